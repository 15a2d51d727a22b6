/**
 * The layer rule in eslint.config.js, tried on planted files: an import against the dependency direction
 * (DESIGN.md "Architecture") is reported, in .ts and .svelte files alike, and a legal one is not.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('../..', import.meta.url));
const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd });
});

/** The boundary messages ESLint reports for `code` as if it were the file at `filePath`. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId && BOUNDARY_RULES.has(m.ruleId)).map((m) => m.message);
}

const svelte = (script: string) => `<script lang="ts">\n${script}\n</script>\n\n<p>{planted}</p>\n`;

describe('the layer rule reports an upward or skipping import', () => {
  it('a component in src/cards importing a ui component and a state rune module', async () => {
    const errors = await boundaryErrors(
      'src/cards/Planted.svelte',
      svelte(
        "  import App from '../ui/App.svelte';\n  import { ReaderState } from '../state/readers.svelte';\n  const planted = [App, ReaderState];",
      ),
    );
    expect(errors).toContainEqual(expect.stringMatching(/src\/cards must not import src\/ui/));
    expect(errors).toContainEqual(expect.stringMatching(/src\/cards must not import src\/state/));
    expect(errors).toContainEqual(expect.stringMatching(/Nothing below src\/state imports/));
  });

  it('a component in src/workflows importing state', async () => {
    const errors = await boundaryErrors(
      'src/workflows/Planted.svelte',
      svelte("  import { UnblockState } from '../state/unblock.svelte';\n  const planted = UnblockState;"),
    );
    expect(errors).toContainEqual(expect.stringMatching(/src\/workflows must not import src\/state/));
  });

  it('a ui component reading src/store directly, past state and workflows', async () => {
    const errors = await boundaryErrors(
      'src/ui/lifecycle/Planted.svelte',
      svelte("  import type { CardState } from '../../store/db';\n  const planted: CardState = 'blank';"),
    );
    expect(errors).toEqual([expect.stringMatching(/src\/ui must not import src\/store: it may import src\/state/)]);
  });

  it('a ui component reaching a workflows helper', async () => {
    const errors = await boundaryErrors(
      'src/ui/unblock/Planted.svelte',
      svelte("  import { canReportLost } from '../../workflows/lost-card';\n  const planted = canReportLost;"),
    );
    expect(errors).toEqual([expect.stringMatching(/src\/ui must not import src\/workflows/)]);
  });

  it('src/piv importing src/workflows', async () => {
    const errors = await boundaryErrors(
      'src/piv/planted.ts',
      "import { findUsers } from '../workflows/unblock';\nexport const planted = findUsers;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/src\/piv must not import src\/workflows/)]);
  });

  it('workflows reaching below cards/ for an APDU channel', async () => {
    const errors = await boundaryErrors(
      'src/workflows/planted.ts',
      "import { ApduChannel } from '../apdu/channel';\nexport const planted = ApduChannel;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/src\/workflows must not import src\/apdu/)]);
  });

  it('state reaching src/store through a dynamic import or an import type', async () => {
    const errors = await boundaryErrors(
      'src/state/planted.svelte.ts',
      "export const planted = () => import('../store/db');\nexport type Planted = import('../transport/card-transport').CardTransport;\n",
    );
    expect(errors).toEqual([
      expect.stringMatching(/src\/state must not import src\/store/),
      expect.stringMatching(/src\/state must not import src\/transport/),
    ]);
  });

  it('Svelte below state/', async () => {
    const errors = await boundaryErrors(
      'src/entra/planted.ts',
      "import { untrack } from 'svelte';\nexport const planted = untrack;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/Nothing below src\/state imports Svelte/)]);
  });

  it('product folders importing demo/ or test/', async () => {
    for (const [filePath, code] of [
      [
        'relay/planted.ts',
        "import { startSmtpCatcher } from '../demo/smtp/index';\nexport const planted = startSmtpCatcher;\n",
      ],
      ['relay/mail/planted.ts', "export const planted = () => import('../../demo/entra/index');\n"],
      [
        'bridge/planted.ts',
        "import { freePort } from '../test/support/local-tls';\nexport const planted = freePort;\n",
      ],
      ['src/ccid/planted.ts', "import { x } from '../../test/support/transcript';\nexport const planted = x;\n"],
    ]) {
      expect(await boundaryErrors(filePath!, code!), filePath).toEqual([
        expect.stringMatching(/Product code must not import demo\//),
      ]);
    }
  });
});

describe('the layer rule allows the dependency direction', () => {
  it.each([
    [
      'src/ui/lifecycle/Planted.svelte',
      svelte("  import { STEP_LABELS } from '../../state/lifecycle.svelte';\n  const planted = STEP_LABELS;"),
    ],
    [
      'src/state/planted.svelte.ts',
      "import { findUsers } from '../workflows/unblock';\nexport const planted = findUsers;\n",
    ],
    ['src/workflows/planted.ts', "import { detectCard } from '../cards/detect';\nexport const planted = detectCard;\n"],
    ['src/cards/planted.ts', "import { ApduChannel } from '../apdu/channel';\nexport const planted = ApduChannel;\n"],
    ['src/piv/planted.ts', "import { ApduChannel } from '../apdu/channel';\nexport const planted = ApduChannel;\n"],
    ['src/transport/planted.ts', "import { AppError } from '../app-error';\nexport const planted = AppError;\n"],
    [
      'src/workflows/planted.test.ts',
      "import { PivSession } from '../piv/session';\nexport const planted = PivSession;\n",
    ],
    [
      'relay/mail/planted.test.ts',
      "import { startSmtpCatcher } from '../../demo/smtp/index';\nexport const planted = startSmtpCatcher;\n",
    ],
  ])('%s', async (filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toEqual([]);
  });
});
