/**
 * Shared set-up for the roll-back tests (issue 16, never half-issue): a card as found before issuance,
 * an issuance whose card refuses one command once a chosen step begins, and the checks that the card,
 * the journal and the service are as they were.
 */
import { expect } from 'vitest';
import { isAppError, type AppError } from '../../src/app-error';
import { toHex } from '../../src/bytes';
import { deriveAdminSecrets, type CardIdentity } from '../../src/cards/admin-secrets';
import { freshChuid, openPivSession } from '../../src/cards/card';
import { DEFAULT_MANAGEMENT_KEY } from '../../src/piv/management-key';
import type { ManagementKeyAlgorithm } from '../../src/piv/constants';
import type { CardRefusal, VirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { cardLines, lastUnfinishedRun } from '../../src/store/journal';
import type { CardTransport } from '../../src/transport/card-transport';
import { inspectCard } from '../../src/workflows/lifecycle/inspect';
import { issueCard, type IssueSummary, type IssueUser } from '../../src/workflows/lifecycle/issue';
import type { StepId } from '../../src/workflows/lifecycle/steps';
import type { StepEvent } from '../../src/workflows/lifecycle/types';
import type { RelayWorld } from '../support/relay-world';
import { cardInReader, cardSnapshot, portsOf, testTemplate, USER } from './lifecycle-fixtures';

/** Enrols ECC P-256 in 9A and a 9E key for the self-service unblock: every issuance card step runs. */
export const ROLLBACK_TEMPLATE = testTemplate({
  id: 'tpl-rollback',
  name: 'Staff YubiKey with self-service unblock',
  issue: { ...testTemplate().issue, selfServiceUnblock: true },
});

/** The cards the roll-back tests issue, with the algorithm of their factory management key. */
export const ROLLBACK_PROFILES = {
  /** Factory 3DES key, moved to AES-192 by the change probe; GET METADATA; known by its serial. */
  'yubikey-5.4': 'TDES',
  /** No metadata, known by its CHUID, which it carries from before (naming no holder). */
  'piv-generic+ff': 'TDES',
  /** The card of issue 16's report (5.7.0, serial 0, 3DES only): no CHUID, so each issuance plans a new FASC-N. */
  'piv-partial': 'TDES',
} as const satisfies Record<string, ManagementKeyAlgorithm>;

export type RollbackProfile = keyof typeof ROLLBACK_PROFILES;

const NIL_GUID = '00000000-0000-0000-0000-000000000000';

/**
 * A card of `profile` as found before issuance, and what a host reads of it. The generic card carries a
 * CHUID naming no holder (nil GUID), written with its factory key, which an undo must put back as it was.
 */
export async function cardAsFound(profile: RollbackProfile) {
  const { card, transport } = await cardInReader(profile);
  if (profile === 'piv-generic+ff') {
    const p = await openPivSession(transport);
    await p.authenticate(DEFAULT_MANAGEMENT_KEY, 'TDES');
    await p.writeChuid(freshChuid(NIL_GUID));
    card.reset();
  }
  return { card, transport, before: await cardSnapshot(transport) };
}

/** A refusal armed on `card` when `step` begins. */
export interface Armed {
  readonly card: VirtualPivCard;
  readonly step: StepId;
  readonly refuse: readonly CardRefusal[];
}

/**
 * Issues the card behind `transport` under {@link ROLLBACK_TEMPLATE} to `user` (a holder of its own unless
 * told), with `armed`'s refusals armed as its step begins. The error or the summary, the step events, the holder.
 */
export async function issueRefused(
  world: RelayWorld,
  transport: CardTransport,
  { armed, user = { ...USER, id: crypto.randomUUID() } }: { armed?: Armed; user?: IssueUser } = {},
) {
  const events: StepEvent[] = [];
  const onStep = (e: StepEvent) => {
    events.push(e);
    if (armed && e.step === armed.step && e.phase === 'start') armed.refuse.forEach((r) => armed.card.refuse(r));
  };
  const ports = portsOf(world);
  const outcome = await issueCard({ transport, templateId: ROLLBACK_TEMPLATE.id, user, ports, onStep }).catch(
    (e: unknown) => e as AppError,
  );
  return { outcome, events, user };
}

/** The summary of an issuance that went through (fails the test with the error otherwise). */
export function issued(outcome: IssueSummary | AppError): IssueSummary {
  if (isAppError(outcome)) throw outcome;
  return outcome;
}

/**
 * Checks the card reads as it did (`before`, after a power cycle: the security status is the session's),
 * its factory management key (in `algorithm`), PIN and PUK work, it reads Blank, the service holds no
 * issued card of `userId`, and `cardId`'s run is closed as rolled back without a secret in its lines.
 */
export async function expectAsFound(
  world: RelayWorld,
  found: { card: VirtualPivCard; transport: CardTransport; before: Record<string, unknown> },
  algorithm: ManagementKeyAlgorithm,
  ids: { cardId: string; userId: string },
): Promise<void> {
  const { card, transport, before } = found;
  card.reset();
  expect(await cardSnapshot(transport)).toEqual(before);
  for (const cert of ['CERT_9A', 'CERT_9C', 'CERT_9D', 'CERT_9E']) expect(before[cert]).toBe('NOT_FOUND');
  const p = await openPivSession(transport);
  await p.authenticate(DEFAULT_MANAGEMENT_KEY, algorithm);
  await p.verifyPin('123456');
  await p.changePuk('12345678', '12345678');
  const ports = portsOf(world);
  expect((await inspectCard(transport, ports)).state).toBe('blank');
  expect(await ports.registry.card(ids.cardId)).toBeNull();
  expect(await ports.registry.cardsOf(ids.userId)).toEqual([]);
  expect(await lastUnfinishedRun(ids.cardId)).toBeUndefined();
  const lines = await cardLines(ids.cardId);
  expect(lines.at(-1)).toMatchObject({ step: 'end', phase: 'rolled-back' });
  const text = JSON.stringify(lines).toUpperCase();
  for (const algorithm of ['TDES', 'AES192'] as const) {
    const { puk, managementKey } = await deriveAdminSecrets(await world.cardMasterKey(), identityOf(ids), algorithm);
    expect(text).not.toContain(puk);
    expect(text).not.toContain(toHex(managementKey));
  }
}

/** The identity a card's secrets derive from, by its id (`serial:<n>` or `chuid:<FASC-N>`) and holder. */
function identityOf({ cardId, userId }: { cardId: string; userId: string }): CardIdentity {
  const [kind = '', value = ''] = cardId.split(':');
  return kind === 'serial' ? { serial: Number(value) } : { chuidFascn: value, chuidGuid: userId };
}
