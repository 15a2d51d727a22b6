/**
 * Batch TAP eligibility as a table: each reason to skip a user, in the order they are checked, and the
 * grant (the card template's options and its Deliver email) for a user who qualifies.
 */
import { describe, expect, it } from 'vitest';
import { exportTemplate } from '../../../relay/templates/template-fixture';
import type { TemporaryAccessPass } from '../../entra/tap';
import type { DirectoryUser } from '../../entra/users';
import type { CardTemplateRecord } from '../../store/db';
import { cardTapVerdict } from '../operator-tap';
import { registryCard, templateWithTap } from '../operator-tap-fixture';
import { batchEligibility, previewSummary, type Candidate } from './eligibility';

const ben: DirectoryUser = {
  id: 'u-ben',
  displayName: 'Ben Member',
  givenName: 'Ben',
  surname: 'Member',
  userPrincipalName: 'ben.member@contoso.example',
  mail: 'ben.member@contoso.example',
  otherMails: [],
  userType: 'Member',
  accountEnabled: true,
};
const card = (templateId: string) =>
  registryCard({
    cardId: `serial:${templateId}`,
    holder: { oid: ben.id, name: 'Ben Member', upn: ben.userPrincipalName },
    template: { id: templateId, version: 1 },
  });
const mail = { record: exportTemplate('tap-mail'), version: 1 };
const heldMail = {
  record: { ...exportTemplate('held-mail'), name: 'Held pass', sendAutomatically: false },
  version: 1,
};
const under = (id: string, tap: Partial<CardTemplateRecord['tap']>) =>
  templateWithTap(tap, { id, name: `Template ${id}` });
const delivering = under('tpl-mail', {
  enabled: true,
  operatorMayGenerate: true,
  operatorDeliverTemplateId: 'tap-mail',
  lifetimeOverrideMinutes: 120,
});
const showing = under('tpl-show', { enabled: true, operatorMayGenerate: true, showCode: true });
const closed = under('tpl-closed', { enabled: true });
const holding = under('tpl-held', { enabled: true, operatorMayGenerate: true, operatorDeliverTemplateId: 'held-mail' });
const verdict = (t: typeof delivering) => cardTapVerdict(card(t.record.id), t, [mail, heldMail], null);
const pass = (p: Partial<TemporaryAccessPass>): TemporaryAccessPass => ({
  id: 'pass-1',
  temporaryAccessPass: null,
  createdDateTime: '2026-12-05T08:00:00Z',
  startDateTime: '2026-12-05T08:00:00Z',
  lifetimeInMinutes: 60,
  isUsableOnce: false,
  isUsable: true,
  methodUsabilityReason: 'EnabledByPolicy',
  ...p,
});
const ok: Candidate = { user: ben, passes: [], roleTemplateIds: [], verdicts: [verdict(delivering)] };
const operator = { oid: 'u-aisha', includingAdmins: false };

describe('batchEligibility', () => {
  it.each<[string, Partial<Candidate> & { userPatch?: Partial<DirectoryUser> }, string]>([
    ['a guest', { userPatch: { userType: 'Guest' } }, 'TAP_GUEST'],
    ['the operator', { userPatch: { id: 'u-aisha' } }, 'TAP_SELF'],
    ['a disabled account', { userPatch: { accountEnabled: false }, verdicts: [] }, 'BATCH_TAP_DISABLED'],
    ['no mail', { userPatch: { mail: null } }, 'BATCH_TAP_NO_MAIL'],
    ['an admin', { roleTemplateIds: ['62e90394-69f5-4237-9190-012177145e10'] }, 'BATCH_TAP_ADMIN'],
    ['a usable pass', { passes: [pass({})] }, 'BATCH_TAP_HAS_PASS'],
    [
      'a pass starting later',
      { passes: [pass({ isUsable: false, methodUsabilityReason: 'NotYetValid' })] },
      'BATCH_TAP_HAS_PASS',
    ],
    ['unread passes', { passes: null }, 'BATCH_TAP_PASSES_UNREAD'],
    ['no card', { verdicts: [] }, 'TAP_NO_CARD'],
    ['a template that does not allow it', { verdicts: [verdict(closed)] }, 'TAP_NOT_ALLOWED'],
    ['a template that only shows codes', { verdicts: [verdict(showing)] }, 'BATCH_TAP_NO_DELIVERY'],
    ['a Deliver email not sent automatically', { verdicts: [verdict(holding)] }, 'BATCH_TAP_EMAIL_HELD'],
  ])('skips %s', (_what, patch, code) => {
    const { userPatch, ...rest } = patch;
    const row = batchEligibility({ ...ok, ...rest, user: { ...ben, ...userPatch } }, operator);
    expect(row.grant).toBeNull();
    expect(row.refusal?.code).toBe(code);
    expect(row.refusal?.layer).toBe('workflows');
  });

  it('grants a user whose card template delivers, with its options; an expired pass does not count', () => {
    const row = batchEligibility(
      { ...ok, passes: [pass({ isUsable: false, methodUsabilityReason: 'Expired' })] },
      operator,
    );
    expect(row.refusal).toBeNull();
    expect(row.grant).toMatchObject({ templateName: 'Template tpl-mail', request: { lifetimeInMinutes: 120 } });
    expect(row.grant?.deliverWith?.record.id).toBe('tap-mail');
  });

  it('prefers a card whose Deliver email goes at once, and names the held email when none does', () => {
    expect(
      batchEligibility({ ...ok, verdicts: [verdict(holding), verdict(delivering)] }, operator).grant,
    ).toMatchObject({ templateName: 'Template tpl-mail' });
    expect(batchEligibility({ ...ok, verdicts: [verdict(holding)] }, operator).refusal?.fields).toMatchObject({
      templateName: 'Template tpl-held',
      emailName: 'Held pass',
    });
  });

  it('lets a privileged operator include admins, and limits the batch to the chosen template', () => {
    const admin = { ...ok, roleTemplateIds: ['62e90394-69f5-4237-9190-012177145e10'] };
    expect(batchEligibility(admin, { ...operator, includingAdmins: true }).grant).not.toBeNull();
    const other = batchEligibility(ok, operator, 'tpl-other');
    expect(other.refusal?.code).toBe('BATCH_TAP_OTHER_TEMPLATE');
    expect(
      batchEligibility({ ...ok, verdicts: [verdict(showing), verdict(delivering)] }, operator, 'tpl-mail').grant,
    ).not.toBeNull();
  });

  it('sums the preview', () => {
    const rows = [batchEligibility(ok, operator), batchEligibility({ ...ok, passes: null }, operator)];
    expect(previewSummary(rows)).toEqual({ eligible: 1, skipped: 1, byReason: { BATCH_TAP_PASSES_UNREAD: 1 } });
  });
});
