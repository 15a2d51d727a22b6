/**
 * What workflows need from the system of record, as small interfaces (DESIGN.md, "Architecture"):
 * the card registry, the audit trail and the published templates. The implementations here go through
 * the relay's API (src/relay-api/); a workflow never opens IndexedDB for them. The card-run journal is
 * not a port: it guards a card operation in this browser and stays in IndexedDB (src/store/journal.ts).
 */
import { appendAuditRow } from '../relay-api/audit';
import { fetchCard, fetchCardPass, listCards, recordCardPass, transitionCard } from '../relay-api/cards';
import type { AuditAppendBody, Card, CardPass, CardPassBody, TransitionBody } from '../relay-api/contract';
import type { RelayEndpoint } from '../relay-api/request';
import type { CardTemplateRecord, ExportTemplateRecord } from '../store/db';

export type { AuditAppendBody, Card, CardPass, CardPassBody, TransitionBody };

/** The service's card registry. */
export interface CardRegistry {
  /** The card's record with its row version, or null when the service has never heard of it. */
  card(cardId: string): Promise<Card | null>;
  /** Every card of the holder with Entra object id `holderOid`, any state, newest change first. */
  cardsOf(holderOid: string): Promise<Card[]>;
  /**
   * Applies one lifecycle transition as a compare-and-set on `body.expectedVersion`; the service audits
   * it in the same transaction. Raises `relay-api` `CARD_CHANGED_ELSEWHERE` (with `fields.current`)
   * when another operator changed the card first.
   */
  transition(cardId: string, body: TransitionBody): Promise<Card>;
  /** Records the pass Keyward created for the card's holder (its id, never its code). */
  recordPass(cardId: string, body: CardPassBody): Promise<CardPass>;
  /** The pass Keyward recorded for the card since it was last issued, or null. */
  pass(cardId: string): Promise<CardPass | null>;
}

/** The service's audit trail, for what the relay cannot see itself (Graph calls, mail, refusals). */
export interface AuditLog {
  /** Records one action of the signed-in operator; never a PIN, PUK, key or TAP code. */
  record(entry: AuditAppendBody): Promise<void>;
}

/** A template as published by an administrator, at the version this browser holds. */
export interface Published<T> {
  readonly record: T;
  readonly version: number;
}

/** Published templates, as this browser's copy holds them (refreshed from the service). */
export interface TemplateStore {
  /** Card templates an operator may issue under: published and not withdrawn. */
  cardTemplates(): Promise<Published<CardTemplateRecord>[]>;
  /** One usable card template at its newest version, or null when it is not published or withdrawn. */
  cardTemplate(id: string): Promise<Published<CardTemplateRecord> | null>;
  /** Data-export templates a pass or PIN may be delivered with: published and not withdrawn. */
  exportTemplates(): Promise<Published<ExportTemplateRecord>[]>;
}

/** The card registry over the relay's `/api/cards`. */
export function relayCardRegistry(relay: RelayEndpoint): CardRegistry {
  return {
    card: (cardId) => fetchCard(relay, cardId),
    cardsOf: (holderOid) => listCards(relay, { holder: holderOid }),
    transition: (cardId, body) => transitionCard(relay, cardId, body),
    recordPass: (cardId, body) => recordCardPass(relay, cardId, body),
    pass: (cardId) => fetchCardPass(relay, cardId),
  };
}

/** The audit trail over the relay's `POST /api/audit`. */
export function relayAuditLog(relay: RelayEndpoint): AuditLog {
  return {
    async record(entry) {
      await appendAuditRow(relay, entry);
    },
  };
}
