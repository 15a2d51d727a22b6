/**
 * `/api/templates`: published card and data-export templates. Anyone with a Keyward role reads them
 * (`GET /`, the newest version of each; `GET /:kind/:id/:version`, the version an issued card names);
 * administrators publish (`PUT /:kind/:id`) and withdraw (`POST /:kind/:id/withdraw`), each a
 * compare-and-set on the newest version. Mounted by relay/app.ts with `app.route('/api/templates', …)`.
 */
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../src/app-error';
import { PublishBody, TemplateKind, WithdrawBody } from '../../src/relay-api/contract';
import { TEMPLATE_BODIES, TemplateId } from '../../src/relay-api/template-schemas';
import { getCaller, requireRoles, type RelayEnv } from '../auth';
import type { RelayConfig } from '../config';
import type { Schema } from '../db/schema';
import type { TokenVerifier } from '../token';
import { parseBody, validJson, validParam } from '../validate';
import { getTemplate, listTemplates, publishTemplate, templateNotFound, withdrawTemplate } from './store';

/** What the template routes need. */
export interface TemplateRouteDeps {
  config: RelayConfig;
  verifier: TokenVerifier;
  db: Kysely<Schema>;
}

const Template = z.strictObject({ kind: TemplateKind, id: TemplateId });
const TemplateVersion = Template.extend({ version: z.coerce.number().int().min(1).max(2_147_483_647) });

/** Builds the `/api/templates` sub-app. */
export function templateRoutes(deps: TemplateRouteDeps): Hono<RelayEnv> {
  const { config, verifier, db } = deps;
  const readers = requireRoles(verifier, [config.operatorRole, config.administratorRole, config.auditorRole]);
  const administrators = requireRoles(verifier, config.administratorRole);
  const actor = (c: Parameters<typeof getCaller>[0]) => {
    const caller = getCaller(c);
    return { oid: caller.oid, name: caller.name || caller.preferredUsername };
  };
  return new Hono<RelayEnv>()
    .get('/', readers, async (c) => c.json({ templates: await listTemplates(db) }))
    .get('/:kind/:id/:version', readers, validParam(TemplateVersion), async (c) => {
      const { kind, id, version } = c.req.valid('param');
      const template = await getTemplate(db, kind, id, version);
      if (!template) throw templateNotFound();
      return c.json(template);
    })
    .put('/:kind/:id', administrators, validParam(Template), validJson(PublishBody), async (c) => {
      const { kind, id } = c.req.valid('param');
      const { expectedVersion, body } = c.req.valid('json');
      const template = parseBody(TEMPLATE_BODIES[kind], body, ['body']);
      if (template.id !== id)
        throw new AppError('relay', 'INVALID_BODY', 'The template body names another id than the path.', {
          status: 400,
          problems: ['body.id: must be the id in the path'],
        });
      return c.json(await publishTemplate(db, { kind, id, expectedVersion }, template, actor(c)));
    })
    .post('/:kind/:id/withdraw', administrators, validParam(Template), validJson(WithdrawBody), async (c) => {
      const { kind, id } = c.req.valid('param');
      const { expectedVersion } = c.req.valid('json');
      return c.json(await withdrawTemplate(db, { kind, id, expectedVersion }, actor(c)));
    });
}
