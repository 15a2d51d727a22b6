/**
 * Structural equality for property tests that run tens of thousands of cases, where `expect().toEqual`
 * is the slow part: plain objects, arrays, numbers, strings, booleans, null and `Uint8Array`s.
 */

/** True when `x` and `y` have the same keys and equal values all the way down (bytes compared by value). */
export function sameValue(x: unknown, y: unknown): boolean {
  if (x instanceof Uint8Array || y instanceof Uint8Array) {
    return x instanceof Uint8Array && y instanceof Uint8Array && x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (typeof x !== 'object' || x === null || typeof y !== 'object' || y === null) return x === y;
  const kx = Object.keys(x);
  return (
    kx.length === Object.keys(y).length &&
    kx.every((k) => sameValue((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]))
  );
}
