/**
 * A service one describe block shares (the pcscd + vpcd harness, the bridge rig): started before the
 * suite's first test, stopped after its last. The suite reads it through the returned stand-in, which
 * forwards to the started service and says so when the start failed or has not run.
 */
import { afterAll, beforeAll } from 'vitest';

/** How long a harness may take to start: pcscd, vpcd and a first card can be slow on a loaded machine. */
const START_TIMEOUT_MS = 300_000;

export function suiteService<T extends { stop(): unknown }>(start: () => Promise<T>): T {
  let service: T | undefined;
  beforeAll(async () => {
    service = await start();
  }, START_TIMEOUT_MS);
  afterAll(() => service?.stop());
  const started = (): T => {
    if (!service) throw new Error('the suite service did not start (see beforeAll)');
    return service;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const target = started();
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
