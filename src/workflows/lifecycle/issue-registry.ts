/**
 * Issuance's side of the system of record: the safety check before anything is written to the card
 * (whose is it, as far as the service and the card itself say?) and the `register` step after every
 * card step was verified, which sends the binding as an `issue` transition.
 */
import { toBase64 } from '../../bytes';
import { chuidIdentification, type CardHandle, type PlannedBinding } from '../../cards/card';
import type { IssueAuthentication } from '../../cards/admin-key';
import type { CardTemplateRecord } from '../../store/db';
import type { CardKey } from '../../relay-api/contract';
import type { Card, Published } from '../ports';
import type { IssueCardResult } from './issue-card-steps';
import { alreadyRecorded, recordTransition } from './record';
import type { LifecycleRun, UnfinishedRun } from './run';
import { lifecycleError, type LifecyclePorts } from './types';

/** The holder being issued to. */
export interface IssueUser {
  readonly id: string;
  readonly upn: string;
  readonly displayName: string;
}

const LIVE: ReadonlySet<Card['state']> = new Set(['issued', 'active', 'locked']);

/**
 * Refuses, before the card is touched:
 * - a card the service knows as bound to a holder and not retired (`CARD_BOUND`, naming the holder),
 *   unless it is this run's own issuance to the same holder, recorded before the run could end;
 * - a card whose CHUID names a holder (GUID) the service has no record of for this card, i.e. a card
 *   issued elsewhere or by an older Keyward (`CARD_BOUND_ELSEWHERE`, naming the GUID and FASC-N), unless
 *   an interrupted issuance in this browser wrote that CHUID for this same holder.
 */
export function checkBinding(
  card: Card | null,
  binding: PlannedBinding,
  user: IssueUser,
  unfinished: UnfinishedRun | undefined,
): void {
  const { cardId } = binding.id;
  const ours = unfinished?.operation === 'issue';
  if (card && LIVE.has(card.state)) {
    if (ours && card.state === 'issued' && card.holder.oid === user.id) return;
    throw lifecycleError(
      'CARD_BOUND',
      `This card is ${card.state} for ${card.holder.name || card.holder.oid}; retire it first.`,
      { cardId, state: card.state, holderName: card.holder.name, holderUpn: card.holder.upn },
    );
  }
  const existing = binding.existing;
  if (!existing || /^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(existing.guid)) return;
  // A card the service retired may still carry its old binding (reported lost, then found): Issue starts it afresh.
  if (card?.state === 'retired') return;
  if (ours && existing.guid === user.id) return;
  throw lifecycleError(
    'CARD_BOUND_ELSEWHERE',
    `The card's CHUID names holder ${existing.guid}, but the service has no record of this card.`,
    { cardId, guid: existing.guid, fascn: chuidIdentification(existing).cardId.slice('chuid:'.length) },
  );
}

/** What the `register` step records. */
export interface Registration {
  readonly card: CardHandle;
  readonly user: IssueUser;
  readonly template: Published<CardTemplateRecord>;
  readonly chuidGuid: string;
  readonly keys: readonly CardKey[];
  /** The management key's algorithm the card took. */
  readonly managementKeyAlgorithm: IssueAuthentication['target'];
  /** The card as the service held it when the run started. */
  readonly current: Card | null;
}

/** The keys the card steps generated, as the registry records them: the certificate's, and 9E for the self-service unblock. */
export function issuedKeys(done: IssueCardResult, template: CardTemplateRecord): CardKey[] {
  const keys: CardKey[] = [];
  const cert = template.issue.certificate;
  if (cert && done.spki) keys.push({ slot: cert.slot, algorithm: cert.algorithm, publicKey: toBase64(done.spki) });
  if (done.cardAuthSpki) keys.push({ slot: '9e', algorithm: 'ECCP256', publicKey: toBase64(done.cardAuthSpki) });
  return keys;
}

/** The `register` step: the service records the card as `issued` to the user (it audits that itself). */
export async function register(run: LifecycleRun<'issue'>, ports: LifecyclePorts, r: Registration): Promise<void> {
  const { user, card, template, current } = r;
  const recorded = alreadyRecorded(run, current, 'issued') && current?.holder.oid === user.id;
  await recordTransition(
    run,
    ports,
    {
      transition: 'issue',
      expectedVersion: current?.version ?? 0,
      issue: {
        holderOid: user.id,
        holderName: user.displayName,
        holderUpn: user.upn,
        templateId: template.record.id,
        templateVersion: template.version,
        credentialType: card.kind,
        serial: card.serial,
        chuidGuid: r.chuidGuid,
        keys: [...r.keys],
        managementKeyAlgorithm: r.managementKeyAlgorithm,
      },
    },
    { card: current, recorded },
  );
}
