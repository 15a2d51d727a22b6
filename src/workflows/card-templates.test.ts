import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes';
import { isAppError } from '../app-error';
import { createTranscriptTransport } from '../../test/support/transcript';
import { PEOPLE, useRelayWorld } from '../../test/support/relay-world';
import { fetchTemplates } from '../relay-api/templates';
import type { TapPolicy } from '../entra/tap-policy';
import { DEFAULT_TAP_POLICY } from '../../demo/entra-emulator/index';
import {
  cardDraftOf,
  cardDraftProblems,
  detectCredentialType,
  duplicateCardTemplate,
  emptyCardDraft,
  publishCardTemplate,
  publishedCardTemplates,
  sameCardDraft,
  withdrawCardTemplate,
  type CardTemplateDraft,
} from './card-templates';
import { publishDefaultTemplate } from './export-templates';
import { RelayTemplateStore } from './template-store';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

/** A new template's draft named `name`, with `tap` over its TAP options. */
function namedDraft(name: string, tap: Partial<CardTemplateDraft['tap']> = {}): CardTemplateDraft {
  const d = emptyCardDraft();
  d.name = name;
  d.tap = { ...d.tap, ...tap };
  return d;
}

function tapDraft(exportId: string): CardTemplateDraft {
  const d = namedDraft('Helpdesk YubiKey', {
    enabled: true,
    operatorMayGenerate: true,
    showCode: true,
    lifetimeOverrideMinutes: 120,
    usableOnce: true,
  });
  d.initiate = { systemGeneratesTap: true, exportTemplateIds: [exportId] };
  return d;
}

/** The tenant's policy: the Entra emulator's default (the published Graph example). */
const policy: TapPolicy = { ...DEFAULT_TAP_POLICY };

describe('card templates', () => {
  let exportId: string;
  let store: RelayTemplateStore;
  const world = useRelayWorld(async (w) => {
    store = new RelayTemplateStore(() => w.endpoint(PEOPLE.adam));
    exportId = (await publishDefaultTemplate(store)).id;
  });

  it('publishes a template with TAP and Initiate Card, which every operator reads back the same', async () => {
    const draft = tapDraft(exportId);
    const saved = await publishCardTemplate(store, draft, null);
    expect(saved.publication).toMatchObject({ version: 1, withdrawn: false, publishedBy: { name: 'Adam Admin' } });
    const elsewhere = new RelayTemplateStore(() => world().endpoint(PEOPLE.priya));
    const stored = (await elsewhere.cardTemplate(saved.id))!.record;
    expect(sameCardDraft(cardDraftOf(stored), draft)).toBe(true);
    expect(stored!.tap).toMatchObject({
      enabled: true,
      operatorMayGenerate: true,
      showCode: true,
      lifetimeOverrideMinutes: 120,
      usableOnce: true,
    });
    expect(stored!.initiate).toEqual({ systemGeneratesTap: true, exportTemplateIds: [exportId] });
  });

  it('reports problems per field: required name, ranges, PIV digits, PIN lengths', () => {
    const d = emptyCardDraft();
    d.allowedCredentialTypes = [];
    d.issue.pinPolicy = { minLength: 8, maxLength: 6, digitsOnly: true };
    expect(cardDraftProblems(d, [], null, new Set())).toEqual({
      name: ['Is required.'],
      allowedCredentialTypes: ['Must list at least one credential type.'],
      'issue.pinPolicy.maxLength': ['Must be at least the minimum length.'],
    });
    d.name = 'x';
    d.allowedCredentialTypes = ['piv'];
    d.issue.pinPolicy = { minLength: 4, maxLength: 9, digitsOnly: false };
    expect(cardDraftProblems(d, [], null, new Set())).toEqual({
      'issue.pinPolicy.minLength': ['Must be 6..8.'],
      'issue.pinPolicy.maxLength': ['Must be 6..8.'],
      'issue.pinPolicy.digitsOnly': ['Must be on when PIV cards are allowed (a PIV PIN is digits only).'],
    });
    d.allowedCredentialTypes = ['yubikey'];
    d.issue.pinPolicy = { minLength: 6, maxLength: 8, digitsOnly: false };
    expect(cardDraftProblems(d, [], null, new Set())).toEqual({});
  });

  it('allows dependent options only while their parent is on', () => {
    const d = namedDraft('Deps', {
      userMayRequest: true,
      forceAuthentication: true,
      forceAuthenticationDeliverTemplateId: exportId,
      showCode: true,
      lifetimeOverrideMinutes: 60,
    });
    d.initiate = { systemGeneratesTap: true, exportTemplateIds: [exportId] };
    const errors = cardDraftProblems(d, [], null, new Set([exportId]));
    expect(errors['tap.userMayRequest']).toEqual(['Must be off while Entra ID TAP Code is off.']);
    expect(errors['tap.showCode']).toEqual(['Must be off while Operator may generate TAP codes is off.']);
    expect(errors['tap.lifetimeOverrideMinutes']).toEqual(['Must be off while Entra ID TAP Code is off.']);
    expect(errors['initiate.systemGeneratesTap']).toEqual(['Must be off while Entra ID TAP Code is off.']);
    d.tap.enabled = true;
    d.tap.operatorMayGenerate = true;
    expect(cardDraftProblems(d, [], null, new Set([exportId]))).toEqual({});
    d.tap.forceAuthenticationDeliverTemplateId = null;
    expect(cardDraftProblems(d, [], null, new Set([exportId]))).toEqual({
      'tap.forceAuthenticationDeliverTemplateId': [
        'Is required: with Force authentication the code is delivered, never shown.',
      ],
    });
    d.issue.assignUser = false;
    expect(cardDraftProblems(d, [], null, new Set([exportId]))['tap.enabled']).toHaveLength(1);
  });

  it('publishes the self-service unblock option, which needs Assign user ID', async () => {
    const d = namedDraft('Self-service unblock');
    d.issue.selfServiceUnblock = true;
    const saved = await publishCardTemplate(store, d, null);
    const stored = (await new RelayTemplateStore(() => world().endpoint(PEOPLE.priya)).cardTemplate(saved.id))!.record;
    expect(stored.issue.selfServiceUnblock).toBe(true);
    d.issue.assignUser = false;
    d.issue.activationPin = { delivery: 'show' };
    expect(cardDraftProblems(d, [], null, new Set())).toEqual({
      'issue.selfServiceUnblock': ['Needs Assign user ID on (the holder signs in to unblock their own card).'],
    });
  });

  it('refuses references to data-export templates that do not exist, and empty Initiate Card deliveries', () => {
    const d = tapDraft('gone');
    d.tap.operatorDeliverTemplateId = 'also-gone';
    const errors = cardDraftProblems(d, [], null, new Set([exportId]));
    expect(errors['initiate.exportTemplateIds[0]']).toEqual(['Must refer to an existing data-export template.']);
    expect(errors['tap.operatorDeliverTemplateId']).toEqual(['Must refer to an existing data-export template.']);
    d.initiate.exportTemplateIds = [];
    expect(cardDraftProblems(d, [], null, new Set([exportId]))['initiate.exportTemplateIds']).toEqual([
      'Must list at least one data-export template.',
    ]);
  });

  it('checks the lifetime override against Graph bounds and, when readable, the tenant policy', () => {
    const d = tapDraft(exportId);
    d.tap.lifetimeOverrideMinutes = 5;
    expect(cardDraftProblems(d, [], null, new Set([exportId]))['tap.lifetimeOverrideMinutes']).toEqual([
      'Must be 10..43200.',
    ]);
    d.tap.lifetimeOverrideMinutes = 30;
    expect(cardDraftProblems(d, [], null, new Set([exportId]))).toEqual({});
    expect(cardDraftProblems(d, [], null, new Set([exportId]), policy)['tap.lifetimeOverrideMinutes']).toEqual([
      "Must be 60..480 (the tenant's TAP policy).",
    ]);
  });

  it('checks certificate subjects for user attributes only', () => {
    const d = namedDraft('Cert');
    d.issue.certificate = { slot: '9a', algorithm: 'ECCP384', subject: 'CN=${DisplayName}', upnSan: '${AadTapCode}' };
    expect(cardDraftProblems(d, [], null, new Set())).toEqual({
      'issue.certificate.upnSan': ['Uses ${AadTapCode}, which is not a user attribute.'],
    });
    d.issue.certificate.subject = 'nonsense';
    d.issue.certificate.upnSan = '';
    expect(cardDraftProblems(d, [], null, new Set())).toEqual({
      'issue.certificate.subject': ['Must be a distinguished name such as CN=${DisplayName}.'],
    });
  });

  it('keeps names unique (any case), lets a template keep its own, and refuses at save with field errors', async () => {
    const first = await publishCardTemplate(store, tapDraft(exportId), null);
    const clash = { ...tapDraft(exportId), name: 'HELPDESK yubikey' };
    const e = await rejection(publishCardTemplate(store, clash, null));
    expect(isAppError(e, 'workflows', 'INVALID_TEMPLATE')).toBe(true);
    expect((e as { fields: { byField: Record<string, string[]> } }).fields.byField).toEqual({
      name: ['Is already used by another card template.'],
    });
    await expect(publishCardTemplate(store, clash, first)).resolves.toMatchObject({
      id: first.id,
      name: 'HELPDESK yubikey',
      publication: { version: 2 },
    });
    expect(await publishedCardTemplates(store)).toHaveLength(1);
  });

  it('publishes from the version opened: a newer one published meanwhile is not overwritten', async () => {
    const opened = await publishCardTemplate(store, tapDraft(exportId), null);
    const other = new RelayTemplateStore(() => world().endpoint(PEOPLE.adam));
    await publishCardTemplate(other, { ...tapDraft(exportId), description: 'Theirs' }, opened);
    const e = await rejection(publishCardTemplate(store, { ...tapDraft(exportId), description: 'Mine' }, opened));
    expect(isAppError(e, 'relay-api', 'TEMPLATE_CHANGED_ELSEWHERE')).toBe(true);
    const [onRelay] = (await fetchTemplates(world().endpoint(PEOPLE.olivia))).filter((t) => t.kind === 'card');
    expect(onRelay).toMatchObject({ version: 2, body: { description: 'Theirs' } });
  });

  it('duplicates under a free name and withdraws', async () => {
    const original = await publishCardTemplate(store, tapDraft(exportId), null);
    const copy = await duplicateCardTemplate(store, original);
    const copy2 = await duplicateCardTemplate(store, original);
    expect([copy.name, copy2.name]).toEqual(['Helpdesk YubiKey (copy)', 'Helpdesk YubiKey (copy 2)']);
    expect(copy.id).not.toBe(original.id);
    expect(cardDraftOf(copy).tap).toEqual(cardDraftOf(original).tap);
    await withdrawCardTemplate(store, copy);
    expect((await publishedCardTemplates(store)).map((t) => t.name)).toEqual([
      'Helpdesk YubiKey',
      'Helpdesk YubiKey (copy 2)',
    ]);
    // Withdrawn, not deleted: the relay still holds it for the cards issued under it.
    const held = await fetchTemplates(world().endpoint(PEOPLE.olivia));
    expect(held.find((t) => t.id === copy.id)).toMatchObject({ withdrawn: true });
  });
});

describe('detectCredentialType', () => {
  it('maps a card without PIV to no credential type', async () => {
    const t = createTranscriptTransport('=> 00 A4 04 00 05 A0 00 00 03 08 00\n<= 6A 82', {
      atr: fromHex('3B8F8001804F0CA000000306030001000000006A'),
    });
    const found = await detectCredentialType(t);
    t.assertDone();
    expect(found.credentialType).toBeNull();
    expect(found.typeName).toMatch(/Unknown card/);
  });
});
