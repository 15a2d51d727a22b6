/**
 * The relay's template schemas (src/relay-api/template-schemas.ts) and the browser's template records
 * (src/store/db.ts) describe one thing: the types must agree exactly, the bounds must be the editors',
 * and what the editors save must publish.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { TAP_LIFETIME_BOUNDS } from '../entra/tap';
import { CardTemplateBody, ExportTemplateBody, TEMPLATE_LIMITS } from '../relay-api/template-schemas';
import type { CardTemplateRecord, ExportTemplateRecord } from '../store/db';
import {
  CERTIFICATE_ALGORITHMS,
  CERTIFICATE_SLOTS,
  CREDENTIAL_TYPES,
  DESCRIPTION_MAX,
  NAME_MAX,
  PIN_LENGTH,
} from './card-template-rules';
import { emptyCardDraft } from './card-templates';
import { DEFAULT_TEMPLATE, FIELD_LIMITS } from './export-templates';

/** Readonly all the way down, so that a record's `readonly` and Zod's mutable output compare as equal. */
type Frozen<T> = T extends readonly (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// Type-level: `tsc` fails here when a field is added, removed or retyped on one side only.
const cardTypesAgree: Same<Frozen<z.output<typeof CardTemplateBody>>, Frozen<CardTemplateRecord>> = true;
const exportTypesAgree: Same<Frozen<z.output<typeof ExportTemplateBody>>, Frozen<ExportTemplateRecord>> = true;

const at = '2026-12-04T10:00:00.000Z';

describe('template schemas agree with the browser', () => {
  it('types', () => {
    expect([cardTypesAgree, exportTypesAgree]).toEqual([true, true]);
  });

  it("uses the editors' bounds and choices", () => {
    expect(TEMPLATE_LIMITS.name).toBe(NAME_MAX);
    expect(TEMPLATE_LIMITS.description).toBe(DESCRIPTION_MAX);
    expect(TEMPLATE_LIMITS.pin).toEqual(PIN_LENGTH);
    expect(TEMPLATE_LIMITS.tapLifetime).toEqual(TAP_LIFETIME_BOUNDS);
    const { name, ...email } = FIELD_LIMITS;
    expect(name).toBe(TEMPLATE_LIMITS.name);
    expect(email).toEqual(TEMPLATE_LIMITS.email);
    const shape = CardTemplateBody.shape;
    expect(shape.allowedCredentialTypes.element.options).toEqual([...CREDENTIAL_TYPES]);
    const certificate = shape.issue.shape.certificate.unwrap().shape;
    expect(certificate.slot.options).toEqual([...CERTIFICATE_SLOTS]);
    expect(certificate.algorithm.options).toEqual([...CERTIFICATE_ALGORITHMS]);
  });

  it('accepts what the editors save', () => {
    const card: CardTemplateRecord = { ...emptyCardDraft(), name: 'Standard', id: crypto.randomUUID(), updatedAt: at };
    expect(CardTemplateBody.safeParse(card).success).toBe(true);
    const mail: ExportTemplateRecord = {
      ...DEFAULT_TEMPLATE,
      id: crypto.randomUUID(),
      target: 'email',
      connector: 'relay',
      updatedAt: at,
    };
    expect(ExportTemplateBody.safeParse(mail).success).toBe(true);
  });
});
