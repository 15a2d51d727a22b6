/**
 * Smart Card Unblock (card side) and Detect Locked.
 *
 * Unblock: RESET RETRY COUNTER (SP 800-73-4 Part 2 §3.2.3) with the PUK derived for this card sets the
 * holder's new PIN (typed on the reader's keypad where it has one); the service records `locked` → `active`
 * (and audits it). A card the service holds as issued (its activation PIN blocked) stays issued: the PIN just
 * set is what the holder types as the activation PIN next; the unblock itself is audited as `card.unblock` by
 * the page, since no transition records it. Detect Locked: VERIFY without data
 * (§3.2.1) answering 6983 / 63C0 means the PIN is blocked; the service records an `active` card as
 * `locked` (the service has no arrow from `issued` to `locked`, so a blocked issued card shows as
 * locked here without being recorded).
 */
import { identifyCard, openCard } from '../../cards/card';
import {
  pinRetriesLeft,
  reportedPukRetries,
  resetPinWithPuk,
  resetPinWithPukOnReader,
} from '../../cards/holder-pin-steps';
import { checkPinPolicy } from '../../cards/pins';
import type { CardTemplateRecord } from '../../store/db';
import type { CardTransport } from '../../cards/readers';
import type { Card } from '../ports';
import { cardTarget, recordQuietly, succeeded } from '../audit-entries';
import { auditedRun, recordTransition, type FailureTarget } from './record';
import { LifecycleRun } from './run';
import { lifecycleError, type LifecyclePorts, type OnStep, type StepEvent } from './types';

/** What unblocking needs: the holder's new PIN, or `onReader` for one typed on the reader's keypad. */
export type UnblockInput = (
  { readonly newPin: string; readonly onReader?: false } | { readonly onReader: true; readonly newPin?: undefined }
) & {
  readonly transport: CardTransport;
  readonly template: CardTemplateRecord;
  readonly ports: LifecyclePorts;
  readonly onStep?: OnStep;
  /** Ends a PIN entry on the reader's keypad (the page's Cancel) as `transport` `PIN_CANCELLED`. */
  readonly signal?: AbortSignal;
};

/** What was done; `pukRetriesLeft` where the card reports it (YubiKey metadata). */
export interface UnblockSummary {
  readonly cardId: string;
  readonly pukRetriesLeft: number | undefined;
  readonly steps: readonly StepEvent[];
  /** The card's state in the service afterwards: `active`, or `issued` for a card not yet activated. */
  readonly state: Card['state'];
}

const LIVE: ReadonlySet<Card['state']> = new Set(['issued', 'active', 'locked']);

async function registered(transport: CardTransport, ports: LifecyclePorts, target: FailureTarget = {}) {
  const card = await openCard(transport);
  const id = await identifyCard(card);
  if (id) target.cardId = id.cardId;
  const record = id ? await ports.registry.card(id.cardId) : null;
  if (record) target.holderName = record.holder.name;
  if (!id || !record || !LIVE.has(record.state))
    throw lifecycleError('NOT_ISSUED', 'The service does not know this card as issued.', {
      cardId: id?.cardId ?? null,
      state: record?.state ?? null,
    });
  return { card, id, record };
}

/** Unblocks the PIN with the derived PUK. Wrong PUK → `piv` `PIN_INVALID` `{ reference: 'PUK', retriesLeft }`. */
export async function unblockCard(input: UnblockInput): Promise<UnblockSummary> {
  if (!input.onReader) checkPinPolicy(input.newPin, input.template.issue.pinPolicy);
  return auditedRun(input.ports.audit, 'unblock', async (target) => {
    const { card, id, record } = await registered(input.transport, input.ports, target);
    const run = LifecycleRun.begin(id.cardId, 'unblock', input.onStep);
    await run.step(
      'detect',
      async () => undefined,
      () => ({ state: record.state }),
    );
    const puk = await input.ports.secrets.puk(id, 'unblock');
    const policy = input.template.issue.pinPolicy;
    await run.step('reset-retry-counter', () =>
      input.onReader
        ? resetPinWithPukOnReader(card.session, puk, policy, input.signal)
        : resetPinWithPuk(card.session, puk, input.newPin),
    );
    const pukMeta = await reportedPukRetries(card.session);
    let state = record.state;
    if (record.state === 'locked') {
      const after = await recordTransition(
        run,
        input.ports,
        { transition: 'unblock', expectedVersion: record.version },
        { card: record, recorded: false },
      );
      state = after?.state ?? 'active';
    } else {
      await recordQuietly(input.ports.audit, succeeded('card.unblock', cardTarget(id.cardId, record.holder.name)));
    }
    await run.finish();
    return { cardId: id.cardId, pukRetriesLeft: pukMeta, steps: run.events, state };
  });
}

/**
 * Reads the PIN's tries. A blocked PIN on a card the service holds as `active` is recorded as `locked`
 * (compare-and-set on the version just read); the card as the service holds it after, and the tries.
 */
export async function detectLocked(
  transport: CardTransport,
  ports: LifecyclePorts,
): Promise<{ record: Card; pinRetriesLeft: number | null }> {
  const { card, id, record } = await registered(transport, ports);
  const left = await pinRetriesLeft(card.session);
  if (left !== 0 || record.state !== 'active') return { record, pinRetriesLeft: left };
  const locked = await ports.registry.transition(id.cardId, { transition: 'lock', expectedVersion: record.version });
  return { record: locked, pinRetriesLeft: 0 };
}
