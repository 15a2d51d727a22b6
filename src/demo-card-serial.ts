/**
 * The demo only: `?demo-card-serial=N` numbers the virtual reader's cards from N, so two windows (the
 * operator console and the self-service page, or two operators) can hold "the same card".
 */
export function demoCardSerial(search: string = location.search): number | undefined {
  const n = Number(new URLSearchParams(search).get('demo-card-serial'));
  return Number.isSafeInteger(n) && n > 0 && n < 2 ** 32 ? n : undefined;
}
