/**
 * The self-service page's session and card list: a member signs in (the MSAL adapter stands in, minting
 * the Entra emulator's own tokens), the sign-in is announced, the relay is reached as them, and a
 * cancelled sign-in or a relay that does not answer is kept as the error the page puts into words.
 */
import { describe, expect, it, vi } from 'vitest';
import { fakeMsalAdapter, useSignIn } from '../../test/state/signed-in-operator';
import { HolderState, MyCardsState } from './holder.svelte';

vi.mock('../entra/msal-adapter', () => fakeMsalAdapter);
const { tenant, started: newHolder } = useSignIn(() => new HolderState());

describe('HolderState', () => {
  it('starts signed out with no relay, signs a member in, announces it once, and signs out', async () => {
    const { state: holder, announced } = await newHolder();
    expect(holder.phase).toBe('signed-out');
    expect(holder.relay()).toBeNull();

    tenant().signInNext('Lena Novak');
    await holder.signIn();
    expect(holder.phase).toBe('signed-in');
    expect(holder.account?.name).toBe('Lena Novak');
    expect(announced.count).toBe(1);
    // The relay is reached with a token for its own API scope, as the member.
    const relay = holder.relay()!;
    expect(relay.url).toBe(tenant().deployment.relayUrl);
    const claims = JSON.parse(atob((await relay.token()).split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
    expect(claims).toMatchObject({ name: 'Lena Novak', scp: 'Mail.Send' });

    await holder.signOut();
    expect(holder.phase).toBe('signed-out');
    expect(holder.account).toBeNull();
    expect(holder.relay()).toBeNull();
  });

  it('restores the member this browser remembers, and a closed sign-in window is said in words', async () => {
    tenant().signInNext('Lena Novak', true);
    const restored = await newHolder();
    expect(restored.state.phase).toBe('signed-in');
    expect(restored.announced.count).toBe(1);

    tenant().signInNext(null);
    const { state: holder } = await newHolder();
    await holder.signIn();
    expect(holder.phase).toBe('signed-out');
    expect(holder.error).toMatchObject({ layer: 'entra', code: 'SIGN_IN_CANCELLED' });
  });
});

describe('MyCardsState', () => {
  it('reads nothing while signed out, and says so in words when the relay does not answer', async () => {
    const { state: holder } = await newHolder();
    const cards = new MyCardsState(() => holder.relay());
    await cards.load();
    expect(cards.cards).toBeNull();
    expect(cards.error).toBeNull();

    tenant().signInNext('Lena Novak');
    await holder.signIn();
    await cards.load(); // the test deployment's relay address has nothing listening
    expect(cards.loading).toBe(false);
    expect(cards.error).toMatchObject({ layer: 'relay-api', code: 'RELAY_UNREACHABLE' });
  });
});
