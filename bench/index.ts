/**
 * `npm run bench`: prints Keyward's measured figures. Each benchmark is a script that prints numbers;
 * none of them is a test. Run `npm run build` first for the bundle figures.
 */
import { existsSync } from 'node:fs';
import { benchBatchTap } from './batch-tap';
import { BUNDLE_TARGETS, benchBundleSize } from './bundle-size';
import { benchCcid } from './ccid-bench';
import { benchPivIssuance } from './piv-issuance';
import { benchRelayMail } from './relay-mail';
import { benchRelayStore } from './relay-store';
import { benchBridge } from './bridge';

if (existsSync('dist/index.html')) for (const target of BUNDLE_TARGETS) benchBundleSize(target);
else console.log('dist/ is missing: run `npm run build` for the bundle-size figures.');

await benchCcid();
await benchPivIssuance();
await benchRelayMail();
await benchRelayStore();
await benchBridge();
await benchBatchTap();
