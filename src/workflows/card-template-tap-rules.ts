/**
 * The card template's Entra ID TAP Code and Initiate Card rules (DESIGN.md "The workflow being
 * reproduced", step 2): each option only while the option it hangs off is on, lifetimes inside Graph's
 * bounds and the tenant's policy, and deliveries through data-export templates that exist.
 */
import { TAP_LIFETIME_BOUNDS } from '../entra/tap';
import { lifetimeProblem } from '../relay-api/tap-rules';
import type { Checked, TemplateRuleContext } from './card-template-rules';
import type { FieldChecks } from './field-checks';

/** Graph's bounds for `lifetimeInMinutes` (10 minutes to 30 days), as the Graph client checks them. */
export const TAP_LIFETIME = TAP_LIFETIME_BOUNDS;

/** The TAP options in their canonical order. */
export const TAP_KEYS = [
  'enabled',
  'userMayRequest',
  'forceAuthentication',
  'forceAuthenticationDeliverTemplateId',
  'operatorMayGenerate',
  'showCode',
  'operatorDeliverTemplateId',
  'lifetimeOverrideMinutes',
  'usableOnce',
] as const;
const INITIATE_KEYS = ['systemGeneratesTap', 'exportTemplateIds'] as const;

/** The Entra ID TAP Code options; true when the pass is enabled. */
export function checkTap(c: FieldChecks, v: unknown, ctx: TemplateRuleContext, assignUser: boolean): boolean {
  const o = c.object(v, 'tap', ctx.record ? TAP_KEYS : undefined);
  if (!o) return false;
  const t = Object.fromEntries(
    ['enabled', 'userMayRequest', 'forceAuthentication', 'operatorMayGenerate', 'showCode', 'usableOnce'].map((k) => [
      k,
      c.boolean(o[k], `tap.${k}`),
    ]),
  ) as Checked<
    Record<
      'enabled' | 'userMayRequest' | 'forceAuthentication' | 'operatorMayGenerate' | 'showCode' | 'usableOnce',
      boolean
    >
  >;
  const forceTemplate = exportReference(
    c,
    o.forceAuthenticationDeliverTemplateId,
    'tap.forceAuthenticationDeliverTemplateId',
    ctx,
    true,
  );
  const operatorTemplate = exportReference(c, o.operatorDeliverTemplateId, 'tap.operatorDeliverTemplateId', ctx, true);
  const lifetime =
    o.lifetimeOverrideMinutes === null
      ? null
      : c.integer(o.lifetimeOverrideMinutes, 'tap.lifetimeOverrideMinutes', TAP_LIFETIME.min, TAP_LIFETIME.max);
  const policyProblem = lifetime !== null && ctx.policy ? lifetimeProblem(ctx.policy, lifetime) : null;
  if (policyProblem)
    c.add(
      'tap.lifetimeOverrideMinutes',
      `must be ${ctx.policy!.minimumLifetimeInMinutes}..${ctx.policy!.maximumLifetimeInMinutes} (the tenant's TAP policy)`,
    );
  const needs = (on: unknown, path: string, parent: boolean | null, parentLabel: string) => {
    if (on && parent === false) c.add(path, `must be off while ${parentLabel} is off`);
  };
  if (t.enabled && !assignUser)
    c.add('tap.enabled', "needs Assign user ID (Issue Card): a pass is created for the card's user");
  needs(t.userMayRequest, 'tap.userMayRequest', t.enabled, 'Entra ID TAP Code');
  needs(t.operatorMayGenerate, 'tap.operatorMayGenerate', t.enabled, 'Entra ID TAP Code');
  needs(t.usableOnce, 'tap.usableOnce', t.enabled, 'Entra ID TAP Code');
  needs(lifetime !== null, 'tap.lifetimeOverrideMinutes', t.enabled, 'Entra ID TAP Code');
  needs(t.forceAuthentication, 'tap.forceAuthentication', t.userMayRequest, 'User may request TAP via console');
  needs(forceTemplate, 'tap.forceAuthenticationDeliverTemplateId', t.forceAuthentication, 'Force authentication');
  needs(t.showCode, 'tap.showCode', t.operatorMayGenerate, 'Operator may generate TAP codes');
  needs(operatorTemplate, 'tap.operatorDeliverTemplateId', t.operatorMayGenerate, 'Operator may generate TAP codes');
  if (t.forceAuthentication && o.forceAuthenticationDeliverTemplateId === null)
    c.add(
      'tap.forceAuthenticationDeliverTemplateId',
      'is required: with Force authentication the code is delivered, never shown',
    );
  if (t.operatorMayGenerate && t.showCode === false && o.operatorDeliverTemplateId === null)
    c.add('tap.operatorMayGenerate', 'needs Show code or a Deliver template, or nobody receives the code');
  return t.enabled === true;
}

/** The Initiate Card options, which need TAP on to generate a pass. */
export function checkInitiate(c: FieldChecks, v: unknown, ctx: TemplateRuleContext, tapOn: boolean): void {
  const o = c.object(v, 'initiate', ctx.record ? INITIATE_KEYS : undefined);
  if (!o) return;
  const system = c.boolean(o.systemGeneratesTap, 'initiate.systemGeneratesTap');
  const ids = c.array(o.exportTemplateIds, 'initiate.exportTemplateIds');
  ids?.forEach((id, i) => exportReference(c, id, `initiate.exportTemplateIds[${i}]`, ctx, false));
  if (ids && new Set(ids).size !== ids.length) c.add('initiate.exportTemplateIds', 'must not list a template twice');
  if (system && !tapOn) c.add('initiate.systemGeneratesTap', 'must be off while Entra ID TAP Code is off');
  if (system && ids && !ids.length) c.add('initiate.exportTemplateIds', 'must list at least one data-export template');
  if (system === false && ids?.length)
    c.add('initiate.exportTemplateIds', 'must be empty while System generate Entra ID TAP code is off');
}

/** A data-export template id that must exist (or be null when `nullable`); true when one is set. */
export function exportReference(
  c: FieldChecks,
  v: unknown,
  path: string,
  ctx: TemplateRuleContext,
  nullable: boolean,
): boolean {
  if (v === null && nullable) return false;
  if (typeof v !== 'string') {
    c.add(path, nullable ? 'must be a data-export template id or null' : 'must be a data-export template id');
    return false;
  }
  if (ctx.exportTemplateIds.has(v)) return true;
  if (ctx.onMissingExport) ctx.onMissingExport(path, v);
  else c.add(path, 'must refer to an existing data-export template');
  return true;
}
