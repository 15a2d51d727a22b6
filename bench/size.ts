/**
 * `npm run size` (after `npm run build`): prints each app's first-screen JavaScript (bench/bundle-size.ts)
 * and exits non-zero when one is over its budget.
 */
import { BUNDLE_TARGETS, benchBundleSize } from './bundle-size';

const over = BUNDLE_TARGETS.filter((target) => benchBundleSize(target) > target.maxBytes);
for (const target of over)
  console.error(`${target.name}: the first screen is over its ${target.maxBytes / 1024} KB budget.`);
process.exit(over.length ? 1 : 0);
