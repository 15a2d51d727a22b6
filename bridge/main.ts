/**
 * `npm run bridge`: the Keyward PC/SC bridge an operator runs on their own laptop.
 *
 *   npm run bridge -- --origin https://keyward.example.org [--port 35990 (0: any free port)] [--rate-limit 200]
 *   npm run bridge -- --list-pairings
 *   npm run bridge -- --revoke https://keyward.example.org
 *
 * Origins may also come from KEYWARD_BRIDGE_ORIGINS (comma-separated), the port from KEYWARD_BRIDGE_PORT
 * and the pairing file from KEYWARD_BRIDGE_PAIRINGS. `--rate-limit` (or KEYWARD_BRIDGE_RATE_LIMIT) is how
 * many requests per second each page connection may send, with a burst of the same size (default 200);
 * the excess is answered `RATE_LIMITED` and never reaches a card. Logs are one JSON object per line on stdout; the
 * pairing codes are printed on stderr so they stand out from the log.
 */
import { parseArgs } from 'node:util';
import { isAppError } from '../src/app-error';
import { BRIDGE_DEFAULT_PORT } from '../src/transport/pcsc-bridge-protocol';
import { createLogger } from '../relay/log';
import { defaultPairingFile, parseOrigins } from './access';
import { PairingStore } from './pairings';
import { loadAddon, openPcsc } from './pcsc';
import { startBridgeServer } from './server';

function fail(message: string): never {
  process.stderr.write(`keyward-bridge: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      origin: { type: 'string', multiple: true },
      port: { type: 'string' },
      'rate-limit': { type: 'string' },
      'pairings-file': { type: 'string' },
      'list-pairings': { type: 'boolean' },
      revoke: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help)
    return void process.stdout.write(
      'Usage: keyward-bridge --origin <https://app.origin> [--port 35990] [--rate-limit 200 (requests/s per connection)] | --list-pairings | --revoke <origin>\n',
    );
  const pairings = new PairingStore(
    values['pairings-file'] ?? process.env.KEYWARD_BRIDGE_PAIRINGS ?? defaultPairingFile(),
  );
  if (values['list-pairings'])
    return void process.stdout.write(
      pairings
        .list()
        .map((p) => `${p.origin}\tpaired ${p.pairedAt}\n`)
        .join('') || 'No paired origins.\n',
    );
  if (values.revoke)
    return void process.stdout.write(
      pairings.revoke(values.revoke) ? `Revoked ${values.revoke}.\n` : `${values.revoke} was not paired.\n`,
    );

  const origins = parseOrigins([...(values.origin ?? []), process.env.KEYWARD_BRIDGE_ORIGINS ?? ''].join(','));
  if (origins.length === 0)
    fail('name the Keyward origin(s) allowed to use this bridge: --origin https://keyward.example.org');
  const port = Number(values.port ?? process.env.KEYWARD_BRIDGE_PORT ?? BRIDGE_DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port "${values.port}"`);
  const rateText = values['rate-limit'] ?? process.env.KEYWARD_BRIDGE_RATE_LIMIT;
  const rateLimit = rateText === undefined ? undefined : Number(rateText);
  if (rateLimit !== undefined && !(rateLimit >= 1 && rateLimit <= 10_000))
    fail(`invalid rate limit "${rateText}" (requests per second, 1 to 10000)`);

  try {
    loadAddon(); // say at start-up, not on the first request, when the native module is missing
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const logger = createLogger();
  const pcsc = openPcsc();
  const server = await startBridgeServer({
    port,
    allowedOrigins: origins,
    pairings,
    pcsc: () => pcsc,
    logger,
    ...(rateLimit === undefined ? {} : { rateLimit }),
    showPairingCode: (origin, code) =>
      process.stderr.write(
        `\n  Pairing code for ${origin}:  ${code.slice(0, 3)} ${code.slice(3)}\n  Type it into Keyward to let that page use your card readers.\n\n`,
      ),
  }).catch((e: unknown) => fail(`cannot listen on 127.0.0.1:${port} (${e instanceof Error ? e.message : String(e)})`));
  try {
    pcsc.listReaders();
  } catch (e) {
    if (isAppError(e)) process.stderr.write(`keyward-bridge: warning: ${e.message}\n`);
  }
  process.stderr.write(
    `Keyward PC/SC bridge on ws://127.0.0.1:${server.port} for ${origins.join(', ')}. Ctrl+C stops it.\n`,
  );
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
