/** `/api/templates`, as both sides see it; see contract.ts. */
import { z } from 'zod';
import { Person } from './contract-fields';

/** Card templates and data-export (email) templates. */
export const TemplateKind = z.enum(['card', 'export']);
export type TemplateKind = z.infer<typeof TemplateKind>;

/**
 * A published template. `body` is the template record itself (src/store/db.ts `CardTemplateRecord` or
 * `ExportTemplateRecord`), checked by the kind's schema in ./template-schemas.ts when published.
 */
export const PublishedTemplate = z.object({
  kind: TemplateKind,
  id: z.string(),
  /** 1 for the first publication, +1 for each one after. */
  version: z.number(),
  name: z.string(),
  body: z.record(z.string(), z.unknown()),
  publishedAt: z.string(),
  publishedBy: Person,
  /** Withdrawn templates stay readable (issued cards name them) but cannot be used for new work. */
  withdrawn: z.boolean(),
});
export type PublishedTemplate = z.infer<typeof PublishedTemplate>;

/** `GET /api/templates`: the newest version of every template. */
export const TemplateList = z.object({ templates: z.array(PublishedTemplate) });
export type TemplateList = z.infer<typeof TemplateList>;

/** `PUT /api/templates/:kind/:id` (administrators): publishes the next version. */
export const PublishBody = z.strictObject({
  /** The version the administrator edited; 0 for a new template. 409 TEMPLATE_CHANGED_ELSEWHERE otherwise. */
  expectedVersion: z.number().int().min(0),
  body: z.record(z.string(), z.unknown()),
});
export type PublishBody = z.infer<typeof PublishBody>;

/** `POST /api/templates/:kind/:id/withdraw` (administrators): every version becomes unusable for new work. */
export const WithdrawBody = z.strictObject({
  /** The newest version the administrator read. 409 TEMPLATE_CHANGED_ELSEWHERE otherwise. */
  expectedVersion: z.number().int().min(1),
});
export type WithdrawBody = z.infer<typeof WithdrawBody>;
