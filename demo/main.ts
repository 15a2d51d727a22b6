/**
 * `npm start`: the embedded default. Makes (once) a local certificate for the Entra emulator, then runs
 * the demo server with Node trusting that certificate's CA, so the relay can fetch the emulator's JWKS
 * over https exactly as it fetches Entra's. Ports can be moved with KEYWARD_*_PORT (see server.ts).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createLocalTls } from './local-tls';

const DIR = '.demo';
const TLS_FILE = join(DIR, 'tls.json');
const CA_FILE = join(DIR, 'ca.pem');

async function ensureTls(): Promise<void> {
  if (existsSync(TLS_FILE) && existsSync(CA_FILE)) {
    const { expires } = JSON.parse(readFileSync(TLS_FILE, 'utf8')) as { expires: number };
    if (expires > Date.now() + 86_400_000) return;
  }
  mkdirSync(DIR, { recursive: true });
  const tls = await createLocalTls(365);
  writeFileSync(TLS_FILE, JSON.stringify({ ...tls, expires: Date.now() + 365 * 86_400_000 }), { mode: 0o600 });
  writeFileSync(CA_FILE, tls.caPem);
}

await ensureTls();
if (!existsSync('dist/index.html')) {
  console.error('The app is not built yet: run `npm run build` first (npm start does both).');
  process.exit(1);
}
const child = spawn(process.execPath, ['--import', 'tsx', 'demo/server.ts'], {
  stdio: ['inherit', 'pipe', 'pipe'],
  env: { ...process.env, NODE_EXTRA_CA_CERTS: CA_FILE, KEYWARD_TLS_FILE: TLS_FILE },
});
// KEYWARD_LOG_FILE keeps a copy of everything the services log (the e2e tests search it for secrets).
const logPath = process.env.KEYWARD_LOG_FILE;
if (logPath) mkdirSync(dirname(logPath), { recursive: true });
const logFile = logPath ? createWriteStream(logPath, { flags: 'w' }) : null;
child.stdout.on('data', (chunk: Uint8Array) => {
  process.stdout.write(chunk);
  logFile?.write(chunk);
});
child.stderr.on('data', (chunk: Uint8Array) => {
  process.stderr.write(chunk);
  logFile?.write(chunk);
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
