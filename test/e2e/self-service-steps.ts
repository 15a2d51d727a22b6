/**
 * Steps of the self-service e2e (self-service-flows.spec.ts): another computer (a browser context of its
 * own), this run's templates, the holder's sign-in on /self-service/, the inbox, and *Unblock my PIN*:
 * the PIN blocked on the card, the holder unblocking it on the page (once refused for another card claiming the serial), and the new PIN checked
 * on the virtual card itself.
 */
import type { Browser, Locator, Page } from '@playwright/test';
import { E2E_APP_ORIGIN as APP_ORIGIN } from '../../playwright.config';
import { openCard } from '../../src/cards/card';
import { pinRetriesLeft, pinWorks } from '../../src/cards/holder-pin-steps';
import { blockPin } from '../../src/cards/pins';
import { createSimulatorTransport } from '../../src/simulator/simulator-transport';
import type { VirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { expect, inbox, type InboxMessage } from './fixtures';
import { cardTemplate, exportTemplate } from './unblock-fixtures';

/**
 * This run's templates (their ids and names carry `run`): the activation-PIN email, the pass email, and
 * the card template: activation PIN by email, a PIN policy narrower than the card's own 6 to 8 digits
 * (which the holder's page must apply), a 9A certificate key, *User may request TAP* with *Force
 * authentication*, *User may unblock the PIN on the self-service page*, and a pass at activation.
 */
export function selfServiceTemplates(run: string) {
  const ACTIVATION_MAIL = { ...exportTemplate(`ss-activation-${run}`, `Activation ${run}`, true) };
  const PASS_MAIL = { ...exportTemplate(`ss-pass-${run}`, `Pass ${run}`, true) };
  const base = cardTemplate(`ss-card-${run}`, `Self-service ${run}`, {
    userMayRequest: true,
    forceAuthentication: true,
    forceAuthenticationDeliverTemplateId: PASS_MAIL.id,
  });
  const SELF_SERVICE_TEMPLATE = {
    ...base,
    issue: {
      ...base.issue,
      activationPin: { delivery: 'email' as const, exportTemplateId: ACTIVATION_MAIL.id },
      pinPolicy: { minLength: 7, maxLength: 8, digitsOnly: true },
      selfServiceUnblock: true,
      certificate: { slot: '9a' as const, algorithm: 'ECCP256' as const, subject: 'CN=${DisplayName}', upnSan: '' },
    },
    initiate: { systemGeneratesTap: true, exportTemplateIds: [PASS_MAIL.id] },
  };
  return {
    ACTIVATION_MAIL,
    PASS_MAIL,
    activationText: 'Your activation PIN: ${ActivationPin}\n',
    SELF_SERVICE_TEMPLATE,
  };
}

/** A message to `address` whose subject names `template` (and whose text has `containing`), once it has arrived. */
export async function mailTo(
  page: Page,
  address: string,
  template: { name: string },
  containing = '',
): Promise<InboxMessage> {
  let found: InboxMessage | undefined;
  await expect
    .poll(async () => {
      // A busy machine may drop one poll's connection: the next poll asks again.
      const all = await inbox(page.request).catch((): InboxMessage[] => []);
      found = all.find(
        (m) =>
          m.to.some((t) => t.address === address) && m.subject.startsWith(template.name) && m.text.includes(containing),
      );
      return Boolean(found);
    })
    .toBe(true);
  return found!;
}

/** A browser context of its own (another computer), with a page. */
export async function otherComputer(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: APP_ORIGIN, ignoreHTTPSErrors: true });
  return context.newPage();
}

/** The holder's sign-in on the self-service page (the emulator's popup). */
export async function holderSignsIn(page: Page, account: RegExp): Promise<void> {
  await page.goto('/self-service/');
  const popupPromise = page.context().waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await (await popupPromise).getByRole('button', { name: account }).click();
  await expect(page.getByTestId('holder')).toBeVisible({ timeout: 30_000 });
}

/** Runs `work` on the virtual card itself, powered up afresh (straight to the card object, as if in another reader). */
async function onCard<T>(
  card: VirtualPivCard,
  work: (session: Awaited<ReturnType<typeof openCard>>['session']) => Promise<T>,
) {
  card.reset();
  const transport = await createSimulatorTransport({ card });
  try {
    return await work((await openCard(transport)).session);
  } finally {
    await transport.close();
  }
}

/** The holder typed the PIN wrong until the card blocked it. */
export async function blockThePin(card: VirtualPivCard): Promise<void> {
  await onCard(card, blockPin);
  expect(await onCard(card, pinRetriesLeft)).toBe(0);
}

/** The PIN tries left on the card, then whether `pin` verifies. */
export async function pinOnCard(card: VirtualPivCard, pin: string): Promise<{ left: number | null; works: boolean }> {
  return onCard(card, async (session) => ({
    left: await pinRetriesLeft(session),
    works: await pinWorks(session, pin),
  }));
}

/** The open *Unblock your PIN* panel: types the new PIN twice and submits. */
export async function submitUnblock(panel: Locator, pin: string, repeated = pin): Promise<void> {
  await panel.getByLabel('New PIN', { exact: true }).fill(pin);
  await panel.getByLabel('Repeat the new PIN').fill(repeated);
  await panel.getByRole('button', { name: 'Unblock my PIN' }).click();
}
