/**
 * The ports of the e2e run's services (the demo server's app, Entra emulator, relay, SMTP and inbox, and
 * the port the app expects the PC/SC bridge on), so that two runs on one machine do not collide.
 *
 * Playwright evaluates its config in the runner and again in every worker, and each must see the same
 * ports: the first evaluation (the runner) picks free ones and records them in KEYWARD_E2E_PORTS, which
 * the workers and the web server inherit. Setting KEYWARD_E2E_PORTS yourself (`app=18080,idp=18443,…`,
 * any subset) fixes those ports; the rest are still chosen free.
 */
import { execFileSync } from 'node:child_process';

const NAMES = ['app', 'idp', 'relay', 'smtp', 'inbox', 'bridge'] as const;
const VARIABLE = 'KEYWARD_E2E_PORTS';

/** One port per e2e service. */
export type E2ePorts = Readonly<Record<(typeof NAMES)[number], number>>;

// Listening on port 0 is asynchronous, and the config is evaluated synchronously: ask a child node.
const PICK = `const net = require('node:net');
const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer());
Promise.all(servers.map((s) => new Promise((r) => s.listen(0, '127.0.0.1', () => r(s.address().port)))))
  .then((ports) => { process.stdout.write(JSON.stringify(ports)); servers.forEach((s) => s.close()); });`;

/** `count` distinct TCP ports on 127.0.0.1 that were free a moment ago. */
function freePortsSync(count: number): number[] {
  if (count === 0) return [];
  return JSON.parse(execFileSync(process.execPath, ['-e', PICK, String(count)], { encoding: 'utf8' })) as number[];
}

/** Parses `app=18080,idp=18443`; throws on an unknown name or a value that is not a port. */
function parsePorts(text: string | undefined): Partial<Record<(typeof NAMES)[number], number>> {
  const given: Partial<Record<(typeof NAMES)[number], number>> = {};
  for (const pair of (text ?? '').split(',').filter((p) => p.trim())) {
    const [name = '', value = ''] = pair.split('=').map((p) => p.trim());
    const port = Number(value);
    if (!(NAMES as readonly string[]).includes(name) || !Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`${VARIABLE}: "${pair}" is not <${NAMES.join('|')}>=<port>`);
    given[name as (typeof NAMES)[number]] = port;
  }
  return given;
}

/** The run's ports: those in KEYWARD_E2E_PORTS, the others chosen free and written back to it. */
export function e2ePorts(env: NodeJS.ProcessEnv = process.env): E2ePorts {
  const given = parsePorts(env[VARIABLE]);
  const free = freePortsSync(NAMES.filter((n) => given[n] === undefined).length);
  const ports = Object.fromEntries(NAMES.map((n) => [n, given[n] ?? free.shift()!])) as E2ePorts;
  env[VARIABLE] = NAMES.map((n) => `${n}=${ports[n]}`).join(',');
  return ports;
}
