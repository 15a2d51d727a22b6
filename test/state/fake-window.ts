/** A window whose address-bar hash a test moves (for RouterState and NetworkState in Node). */
export function fakeWindow(hash: string) {
  const target = new EventTarget();
  const win = {
    location: { hash },
    addEventListener: target.addEventListener.bind(target),
    /** Moves to `next` (with its `#`) and fires `hashchange`, as the browser does. */
    go(next: string) {
      win.location.hash = next;
      target.dispatchEvent(new Event('hashchange'));
    },
  };
  return win;
}
