/**
 * The world the BatchTapState tests (batch-tap.test.ts) run in: a signed-in operator (Aisha, an
 * Authentication Administrator who also maintains templates) with Graph from the Entra emulator (groups,
 * users, passes, `$batch`; test/state/signed-in-operator.ts), the real relay at the deployment's relay URL
 * for the registry, templates, the batch store and mail (test/support/tenant-relay.ts), and an SMTP
 * catcher where the relay sends the passes.
 *
 * Published: the pass email "tap-mail" and two card templates that let operators generate passes and
 * deliver them with it, "tpl-batch" (Batch wave) and "tpl-other" (Other badge). Active cards: Quinn and
 * Uma Lindqvist under tpl-batch and Yara Lindqvist under tpl-other (members of "Onboarding wave 1"), and
 * under tpl-batch Ben Member, Carla Mendes, Dmitri Volkov, Elena Rossi, Farid Haddad and Hana Sato (in no
 * group, for CSV batches). The test file mocks `src/entra/msal-adapter` with `fakeMsalAdapter`.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { cardTemplate, exportTemplate } from '../../relay/templates/template-fixture';
import { registerIssued } from '../../test/lifecycle/lifecycle-fixtures';
import { startMailingOperator, relayPorts, type MailingOperator } from '../../test/state/mailing-operator';
import { until, type TestTenant } from '../../test/state/signed-in-operator';
import type { AppError } from '../app-error';
import { publishTemplate } from '../relay-api/templates';
import { changeBatchState, findOpenBatches } from '../workflows/batch-tap/operator-batch';
import type { OperatorSession } from '../workflows/operator-session';
import { BatchTapState } from './batch-tap.svelte';
import type { SessionState } from './session.svelte';

/** Skip reasons are stored as words; these keep the code in them, so the report can be checked. */
export const describeSkip = (e: AppError) => `${e.code}: ${e.message}`;

let world: MailingOperator;
let tenant: TestTenant;
let session: SessionState;
/** The signed-in operator's session (Aisha). */
export const op = (): OperatorSession => session.operator!;

const ports = relayPorts;

const userNamed = (name: string) => tenant.emulator.tenant.byDisplayName(name);
/** The pass Graph holds for the user `name` now (with its code, as the emulator reports it). */
export const passOf = (name: string) => tenant.emulator.control.tapFor(userNamed(name).id);

let serial = 41_000_000;
/** Registers an active card of each of `names`, issued under `templateId`. */
async function cardsUnder(templateId: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const cardId = await registerIssued(ports(op()), userNamed(name), templateId, ++serial, 'yubikey');
    await ports(op()).registry.transition(cardId, { transition: 'activate', expectedVersion: 1 });
  }
}

/** Registers the test file's hooks: the world started (and closed) once, no batch left open after a test. */
export function useBatchTapWorld(): void {
  beforeAll(publishedAndCarded, 60_000);
  afterAll(() => world?.close());
  // A batch a test leaves open would be found by the next test's page.
  afterEach(async () => {
    for (const b of await findOpenBatches(op())) await changeBatchState(op(), b.batchId, 'cancelled');
  });
}

async function publishedAndCarded(): Promise<void> {
  world = await startMailingOperator();
  ({ tenant, session } = world);
  await publishTemplate(op().relay(), 'export', 'tap-mail', 0, exportTemplate('tap-mail'));
  await publishTemplate(op().relay(), 'card', 'tpl-batch', 0, cardTemplate('tpl-batch', 'Batch wave'));
  await publishTemplate(op().relay(), 'card', 'tpl-other', 0, cardTemplate('tpl-other', 'Other badge'));
  await cardsUnder('tpl-batch', ['Quinn Lindqvist', 'Uma Lindqvist']);
  await cardsUnder('tpl-other', ['Yara Lindqvist']);
  await cardsUnder('tpl-batch', ['Ben Member', 'Carla Mendes', 'Dmitri Volkov', 'Elena Rossi']);
  await cardsUnder('tpl-batch', ['Farid Haddad', 'Hana Sato']);
}

/** The page as the operator opens it (a new tab: nothing in memory but what the relay holds). */
export async function openedPage(): Promise<BatchTapState> {
  const page = new BatchTapState(session, ports, describeSkip);
  await page.open();
  expect(page.error).toBeNull();
  return page;
}

/** The page with the group "Onboarding wave 1" previewed under "Batch wave". */
export async function groupPreviewed(): Promise<BatchTapState> {
  const page = await openedPage();
  page.groupQuery = 'Onboarding wave';
  await page.searchGroups();
  const group = page.groups.find((g) => g.displayName === 'Onboarding wave 1');
  expect(group).toBeDefined();
  page.chooseGroup(group!);
  page.chooseTemplate('tpl-batch');
  await page.preview();
  expect(page.error).toBeNull();
  return page;
}

/** The page with a CSV of `names`' UPNs previewed under "Batch wave". */
export async function csvPreviewed(names: readonly string[]): Promise<BatchTapState> {
  const page = await openedPage();
  page.loadCsv('wave.csv', ['userPrincipalName', ...names.map((n) => userNamed(n).userPrincipalName)].join('\n'));
  page.chooseTemplate('tpl-batch');
  await page.preview();
  expect(page.error).toBeNull();
  expect(page.summary).toMatchObject({ eligible: names.length, skipped: 0 });
  return page;
}

/** Waits until the page has stopped sending and read the batch's last state. */
export const settled = (page: BatchTapState) =>
  until(() => !page.running && page.batch !== null && page.batch.state !== 'running', 20_000);

/** The user's pass reached their mailbox: the email holds its code. */
export async function emailed(name: string): Promise<void> {
  const user = userNamed(name);
  const mail = await world.catcher.waitForMessage((m) => m.envelope.to.includes(user.mail!), 5_000);
  expect(mail.text).toContain(passOf(name)!.temporaryAccessPass);
}
