import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { fakeMsalAdapter, useSignIn } from '../../test/state/signed-in-operator';
import { SessionState } from './session.svelte';

vi.mock('../entra/msal-adapter', () => fakeMsalAdapter);
const { tenant, started: newSession } = useSignIn(() => new SessionState());

describe('SessionState', () => {
  it('starts signed out, signs an operator in with their roles, and announces it once', async () => {
    const { state: session, announced } = await newSession();
    expect(session.phase).toBe('signed-out');
    expect(session.operator).toBeNull();

    tenant().signInNext('Aisha Operator');
    await session.signIn();
    expect(session.phase).toBe('signed-in');
    expect(session.error).toBeNull();
    expect(session.operator).not.toBeNull();
    expect(session.profile?.account.name).toBe('Aisha Operator');
    expect(session.profile?.tap.roleNames).toEqual(['Authentication Administrator']);
    // Graph gave its token; the relay (not running here) could not confirm the operator role.
    expect(session.profile?.problems.map((p) => p.code)).toEqual(['RELAY_CHECK_FAILED']);
    // Signed in, but with no word from the relay on the roles: no screen opens yet.
    expect(session.access).toMatchObject({ signedIn: true, rolesKnown: false, mayOperate: false });
    expect(announced.count).toBe(1);

    await session.signOut();
    expect(session.phase).toBe('signed-out');
    expect(session.profile).toBeNull();
    expect(session.operator).toBeNull();
    expect(session.access.signedIn).toBe(false);
  });

  it('restores the operator this browser remembers, and says what an operator without a role lacks', async () => {
    tenant().signInNext('Nina NoRole', true);
    const { state: session, announced } = await newSession();
    expect(session.phase).toBe('signed-in');
    expect(announced.count).toBe(1);
    expect(session.profile?.tap.roleNames).toEqual([]);
    expect(session.profile?.problems.map((p) => p.code)).toContain('NO_TAP_ROLE');
  });

  it('stays signed out with the reason when the operator closes the sign-in window', async () => {
    const { state: session, announced } = await newSession();
    await session.signIn();
    expect(session.phase).toBe('signed-out');
    expect(session.error).toMatchObject({ layer: 'entra', code: 'SIGN_IN_CANCELLED' });
    expect(announced.count).toBe(0);
  });

  it('is unconfigured when the deployment file cannot be read', async () => {
    const session = new SessionState();
    await session.init();
    expect(session.phase).toBe('unconfigured');
    expect(session.error).toMatchObject({ layer: 'config', code: 'CONFIG_UNREACHABLE' });
  });

  it('saves a connection override (refusing invalid settings), signs the operator out, and resets it', async () => {
    tenant().signInNext('Aisha Operator', true);
    const { state: session } = await newSession();
    expect(session.overridden).toBe(false);
    const connection = session.connection!;

    await expect(session.saveConnection({ ...connection, tenantId: 'not-a-guid' })).rejects.toMatchObject({
      code: 'INVALID_SETTINGS',
    });
    expect(session.overridden).toBe(false);
    expect(session.phase).toBe('signed-in');

    await session.saveConnection({ ...connection, relayScope: `api://${connection.clientId}/Mail.Send` });
    expect(session.overridden).toBe(true);
    expect(session.connection?.relayScope).toBe(`api://${connection.clientId}/Mail.Send`);
    expect(session.phase).toBe('signed-out');

    await session.resetConnection();
    expect(session.overridden).toBe(false);
    expect(session.connection).toEqual(connection);
  });
});
