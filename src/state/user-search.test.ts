import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { fakeMsalAdapter, signedInOperator, until } from '../../test/state/signed-in-operator';
import { SessionState } from './session.svelte';
import { UserSearchState } from './user-search.svelte';

vi.mock('../entra/msal-adapter', () => fakeMsalAdapter);

const ctx = signedInOperator();

describe('UserSearchState', () => {
  it('searches once the operator pauses, showing only the answer to what the box says now', async () => {
    const search = new UserSearchState(ctx.session, 50);
    search.type('B');
    search.type('Be');
    search.type('Ben');
    expect(search.searching).toBe(false);
    await until(() => search.results.length > 0);
    expect(search.results.map((u) => u.displayName)).toEqual(['Ben Member']);
    expect(search.query).toBe('Ben');
    expect(search.error).toBeNull();

    search.type('Car');
    search.type('');
    expect(search.results).toEqual([]);
    await new Promise((r) => setTimeout(r, 150));
    expect(search.results).toEqual([]);
    expect(search.searching).toBe(false);
  });

  it('keeps a failure for the box to show, and clears it with the next search', async () => {
    const search = new UserSearchState(ctx.session, 10);
    ctx.tenant.emulator.control.inject429(10, 0);
    search.type('Carla');
    await until(() => search.error !== null, 20_000);
    expect(search.error).toMatchObject({ layer: 'entra' });
    expect(search.results).toEqual([]);

    ctx.tenant.emulator.control.inject429(0, 0);
    search.type('Carl');
    await until(() => search.results.length > 0);
    expect(search.error).toBeNull();
    expect(search.results[0]?.displayName).toBe('Carla Mendes');

    search.clear();
    expect([search.query, search.results, search.nextLink]).toEqual(['', [], null]);
  });

  it('finds nothing before the operator signs in', async () => {
    const search = new UserSearchState(new SessionState(), 10);
    search.type('Ben');
    await new Promise((r) => setTimeout(r, 100));
    expect(search.results).toEqual([]);
    expect(search.searching).toBe(false);
  });
});
