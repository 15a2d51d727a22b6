import { describe, expect, it } from 'vitest';
import { fakeWindow } from '../../test/state/fake-window';
import { RouterState, type RoutePath } from './router.svelte';

describe('RouterState', () => {
  it('follows the hash, and reports each change with the route left behind', () => {
    const win = fakeWindow('#/templates');
    const router = new RouterState(win as unknown as Window);
    const seen: [RoutePath, RoutePath][] = [];
    router.onChange((to, from) => seen.push([to, from]));
    expect(router.path).toBe('/templates');
    win.go('#/actions/unblock');
    win.go('#/audit');
    expect(router.path).toBe('/audit');
    expect(seen).toEqual([
      ['/actions/unblock', '/templates'],
      ['/audit', '/actions/unblock'],
    ]);
  });

  it('shows Lifecycle for an unknown hash, and does not report a hash that names the route shown', () => {
    const win = fakeWindow('#/no/such/page');
    const router = new RouterState(win as unknown as Window);
    const seen: RoutePath[] = [];
    router.onChange((to) => seen.push(to));
    expect(router.path).toBe('/lifecycle');
    win.go('#/lifecycle');
    win.go('#/somewhere-else');
    expect(seen).toEqual([]);
  });

  it('knows whether the address named the route, and goes where it is sent', () => {
    const win = fakeWindow('');
    const router = new RouterState(win as unknown as Window);
    const seen: RoutePath[] = [];
    router.onChange((to) => seen.push(to));
    expect([router.path, router.named]).toEqual(['/lifecycle', false]);
    router.go('/audit');
    expect([router.path, router.named, win.location.hash]).toEqual(['/audit', true, '#/audit']);
    win.go('#/lifecycle');
    expect([router.path, router.named]).toEqual(['/lifecycle', true]);
    expect(seen).toEqual(['/audit', '/lifecycle']);
  });
});
