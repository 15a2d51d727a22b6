/**
 * The Entra emulator's Graph app in-process, on a fake clock, with a `GraphTransport` that calls it
 * through `app.request()`: workflow tests run against the emulator's real rules (the write quota,
 * `$batch`, throttling, pass creation) while time is theirs to advance.
 */
import { createGraphApp } from '../../demo/entra-emulator/graph/app';
import { CreateFaults } from '../../demo/entra-emulator/graph/create-faults';
import { TapStore } from '../../demo/entra-emulator/graph/tap-store';
import { Throttle } from '../../demo/entra-emulator/graph/throttle';
import { WriteQuota, type WriteQuotaSettings } from '../../demo/entra-emulator/graph/write-quota';
import { mintAccessToken } from '../../demo/entra-emulator/mint';
import { SigningKey } from '../../demo/entra-emulator/signing';
import {
  DEMO_RELAY_CLIENT_ID,
  DEMO_SPA_CLIENT_ID,
  DEMO_TENANT_ID,
  HAS_PASS_MEMBER,
  Tenant,
} from '../../demo/entra-emulator/index';
import type { GraphCall, GraphTransport } from '../../src/entra/graph-adapter';
import { graphErrorToAppError } from '../../src/entra/graph-errors';
import type { Clock } from '../../src/workflows/batch-tap/write-budget';

const BASE = 'https://graph.test/graph';

/** A clock whose `sleep` moves time on at once. */
export class FakeClock implements Clock {
  slept = 0;
  constructor(public time = Date.parse('2026-12-05T09:00:00.000Z')) {}
  now = () => this.time;
  sleep = async (ms: number) => {
    this.time += Math.max(0, ms);
    this.slept += Math.max(0, ms);
  };
}

/** The emulated Graph and its parts. */
export interface InProcessGraph<C extends Clock = FakeClock> {
  clock: C;
  tenant: Tenant;
  taps: TapStore;
  quota: WriteQuota;
  throttle: Throttle;
  faults: CreateFaults;
  /** Every pass create the emulator performed, by user id (to count duplicates). */
  creates: string[];
  /** Each `$batch` as the emulator logged it: its size, the request's throttle priority, items carrying one. */
  batches: { size: number; priority: string; prioritised: number }[];
  /** A transport acting as the seeded user `displayName` with the operator's scopes. */
  transport(displayName: string): GraphTransport;
}

/** Builds the Graph app with `quota` on `clock` (a fake one unless given), with `loadMembers` more users. */
export async function inProcessGraph<C extends Clock = FakeClock>(
  quota: WriteQuotaSettings,
  opts: { clock?: C; loadMembers?: number } = {},
): Promise<InProcessGraph<C>> {
  const clock = (opts.clock ?? new FakeClock()) as C;
  const tenant = new Tenant(DEMO_TENANT_ID, opts.loadMembers ?? 0);
  const taps = new TapStore(
    () => tenant.tapPolicy,
    () => new Date(clock.now()),
  );
  taps.create(tenant.byDisplayName(HAS_PASS_MEMBER).id, { lifetimeInMinutes: 480 });
  const writeQuota = new WriteQuota(clock.now);
  writeQuota.configure(quota);
  const throttle = new Throttle();
  const faults = new CreateFaults();
  const key = await SigningKey.generate();
  const issuer = `https://graph.test/${DEMO_TENANT_ID}/v2.0`;
  const ids = {
    issuer,
    tenantId: DEMO_TENANT_ID,
    spaClientId: DEMO_SPA_CLIENT_ID,
    relayClientId: DEMO_RELAY_CLIENT_ID,
  };
  const creates: string[] = [];
  const batches: InProcessGraph['batches'] = [];
  const log = (line: string) => {
    const m = /^graph: TAP \S+ created for (\S+)/.exec(line);
    if (m) creates.push(tenant.findUser(m[1]!)!.id);
    const b = /^graph: \$batch of (\d+) by .*, priority (\S+), on (\d+) items$/.exec(line);
    if (b) batches.push({ size: Number(b[1]), priority: b[2]!, prioritised: Number(b[3]) });
  };
  const app = createGraphApp(
    {
      tenant,
      taps,
      key,
      issuer,
      graphBaseUrl: BASE,
      corsOrigins: [],
      throttle,
      quota: writeQuota,
      faults,
      log,
      now: () => new Date(clock.now()),
    },
    '/graph',
  );
  const transport = (displayName: string): GraphTransport => {
    const token = mintAccessToken(ids, tenant, key, {
      userId: tenant.byDisplayName(displayName).id,
      audience: 'graph',
      scopes: ['User.Read.All', 'UserAuthMethod-TAP.ReadWrite.All', 'GroupMember.Read.All'],
    });
    const send = async <T>(url: string, call: Pick<GraphCall, 'method' | 'headers' | 'body'>): Promise<T> => {
      const headers = new Headers({ ...call.headers, authorization: `Bearer ${await token}` });
      if (call.body !== undefined) headers.set('content-type', 'application/json');
      const res = await app.request(url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
      });
      const json = (await res.json()) as { error?: { code: string; message: string } };
      if (res.ok) return json as T;
      throw graphErrorToAppError(
        { statusCode: res.status, code: json.error?.code, message: json.error?.message, headers: res.headers },
        call.method,
      );
    };
    return {
      call: (call) => {
        const query = call.query ? `?${new URLSearchParams({ ...call.query })}` : '';
        return send(`/graph/v1.0${call.path}${query}`, call);
      },
      next: (link, headers) => send(link.slice(BASE.length - '/graph'.length), { method: 'GET', headers }),
    };
  };
  return { clock, tenant, taps, quota: writeQuota, throttle, faults, creates, batches, transport };
}
