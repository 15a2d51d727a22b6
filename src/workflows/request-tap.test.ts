/**
 * The audit rows a pass request leaves in the service's trail: Graph through the real client against the
 * Entra emulator, the trail through the real relay (in-process). A refusal says what failed in words.
 */
import { describe, expect, it } from 'vitest';
import type { TenantUser } from '../../demo/entra-emulator/index';
import { auditRows, OPERATOR, portsOf } from '../../test/lifecycle/lifecycle-fixtures';
import { PEOPLE } from '../../test/support/relay-world';
import { tapGraphAs } from '../../test/support/test-entra';
import { useEntraAndRelay } from '../../test/support/entra-and-relay';
import type { DirectoryUser } from '../entra/users';
import { requestTap, type TapContext } from './request-tap';
import { scanForSecrets } from '../../test/support/secrecy-scan';
import { logLinesSource } from '../../test/support/secrecy-sources';

const { emulator, world } = useEntraAndRelay();

const directoryUser = (u: TenantUser): DirectoryUser =>
  ({ id: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName }) as DirectoryUser;

function context(): TapContext {
  const graph = tapGraphAs(emulator(), 'Aisha Operator');
  const sendMail = () => Promise.reject(new Error('no mail in this test'));
  return { graph, operator: OPERATOR, audit: portsOf(world()).audit, sendMail };
}

describe('requestTap audit', () => {
  it('records tap.create on the user, succeeded, and a refusal with its reason in words', async () => {
    const ben = emulator().tenant.byDisplayName('Ben Member');
    const gary = emulator().tenant.byDisplayName('Gary Guest');
    const ctx = context();
    const { tap } = await requestTap(ctx, directoryUser(ben), { request: {}, deliverWith: null });
    await expect(requestTap(ctx, directoryUser(gary), { request: {}, deliverWith: null })).rejects.toMatchObject({
      layer: 'entra',
    });
    const rows = await auditRows(world());
    const of = (user: TenantUser) => rows.find((r) => r.target.id === user.id);
    expect(of(ben)).toMatchObject({
      action: 'tap.create',
      actor: { name: PEOPLE.olivia.name },
      target: { type: 'user', label: 'Ben Member' },
      outcome: 'succeeded',
      reason: '',
    });
    const refused = of(gary)!;
    expect(refused).toMatchObject({ action: 'tap.create', target: { label: 'Gary Guest' } });
    // Graph's 400 is a failure of the request, said in Graph's words (never a code alone).
    expect(refused.outcome).toBe('failed');
    expect(refused.reason).toMatch(/cannot be created for an external \(guest\) user/);
    const places = [logLinesSource('the audit trail', rows), logLinesSource('the relay log', world().logs)];
    expect(await scanForSecrets(places, [{ name: 'the pass', value: tap.temporaryAccessPass! }])).toEqual([]);
  });
});
