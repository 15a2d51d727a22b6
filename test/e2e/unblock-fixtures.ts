/**
 * What the Smart Card Unblock e2e tests set up through the relay's API (not what they are about): the
 * card and data-export templates of the switch table, published as Ada, and cards registered for seeded
 * holders as Aisha. Ids and serials carry this run's number, so a rerun never meets its own leftovers.
 */
import { relayAs, type RelayAs } from './relay-as';
import type { CardTemplateRecord, ExportTemplateRecord } from '../../src/store/db';
import { emptyCardDraft } from '../../src/workflows/card-templates';
import type { Person } from './people';

/** Ids and serials of this run, so a rerun against the same relay data never meets its own leftovers. */
export const RUN = String(Date.now() % 1e7);
let serial = Number(RUN) * 100;

type Tap = CardTemplateRecord['tap'];
/** A new template's TAP settings (no pass offered to anyone), with the TAP section on. */
const TAP_OFF: Tap = { ...emptyCardDraft().tap, enabled: true };

export function exportTemplate(id: string, name: string, sendAutomatically: boolean): ExportTemplateRecord {
  return {
    id,
    name,
    target: 'email',
    sendAutomatically,
    connector: 'relay',
    to: '${Mail}',
    cc: '',
    subject: `${name} for \${GivenName}`,
    text: 'Your pass: ${AadTapCode}\nCard: ${CardSerial} (${CredentialType}).\n',
    html: '',
    updatedAt: '2026-12-05T09:00:00.000Z',
  };
}

export function cardTemplate(id: string, name: string, tap: Partial<Tap>): CardTemplateRecord {
  const draft = emptyCardDraft();
  return { ...draft, id, name, tap: { ...TAP_OFF, ...tap }, updatedAt: '2026-12-05T09:00:00.000Z' };
}

export const MAIL = `e2e-tap-mail-${RUN}`;
export const HELD = `e2e-tap-held-${RUN}`;
/** The card templates of the switch table, by what they allow. */
export const T = {
  none: cardTemplate(`e2e-none-${RUN}`, `No passes ${RUN}`, {}),
  shown: cardTemplate(`e2e-shown-${RUN}`, `Shown ${RUN}`, { operatorMayGenerate: true, showCode: true }),
  mailed: cardTemplate(`e2e-mailed-${RUN}`, `Mailed ${RUN}`, {
    operatorMayGenerate: true,
    operatorDeliverTemplateId: MAIL,
    lifetimeOverrideMinutes: 120,
    usableOnce: true,
  }),
  both: cardTemplate(`e2e-both-${RUN}`, `Shown and mailed ${RUN}`, {
    operatorMayGenerate: true,
    showCode: true,
    operatorDeliverTemplateId: MAIL,
  }),
  held: cardTemplate(`e2e-held-${RUN}`, `Operator sends ${RUN}`, {
    operatorMayGenerate: true,
    operatorDeliverTemplateId: HELD,
  }),
  /** Its Deliver email was never published: the page refuses before anything is asked or sent. */
  orphan: cardTemplate(`e2e-orphan-${RUN}`, `Orphan ${RUN}`, {
    operatorMayGenerate: true,
    operatorDeliverTemplateId: `e2e-missing-${RUN}`,
  }),
  long: cardTemplate(`e2e-long-${RUN}`, `Long ${RUN}`, {
    operatorMayGenerate: true,
    showCode: true,
    lifetimeOverrideMinutes: 5000,
  }),
};

/**
 * Registers through `operator` (an operator's relay) an active YubiKey numbered `serial` of `holder` under
 * the first version of template `templateId`: issued, then activated, as the registry records a card.
 */
export async function registerActiveCard(
  operator: RelayAs,
  holder: Pick<Person, 'id' | 'userPrincipalName'>,
  templateId: string,
  serial: number,
): Promise<void> {
  const issue = {
    holderOid: holder.id,
    holderName: holder.userPrincipalName,
    holderUpn: holder.userPrincipalName,
    templateId,
    templateVersion: 1,
    credentialType: 'yubikey' as const,
    serial,
    chuidGuid: holder.id,
    keys: [],
  };
  await operator.transition(`serial:${serial}`, { transition: 'issue', expectedVersion: 0, issue });
  await operator.transition(`serial:${serial}`, { transition: 'activate', expectedVersion: 1 });
}

/** Registers an active card of `holder` under `template` (the registry is what Unblock reads); returns its serial. */
export async function cardFor(holder: Person, template: CardTemplateRecord): Promise<number> {
  const aisha = await relayAs('aisha.operator@contoso.example');
  const n = ++serial;
  await registerActiveCard(aisha, holder, template.id, n);
  await aisha.dispose();
  return n;
}

/** The ids this worker has published. */
const published = new Set<string>();

/**
 * Publishes `templates` (all of {@link T} unless told) and the two emails they deliver with. `T.orphan`
 * refers to an email nobody publishes; a spec that does not need it leaves it out, since the relay's
 * templates are shared by the run's specs.
 */
export async function publishSwitchTemplates(
  templates: readonly CardTemplateRecord[] = Object.values(T),
): Promise<void> {
  const ada = await relayAs('ada.admin@contoso.example');
  // Specs of one worker share RUN, so each template is published once per worker.
  const once = async (kind: 'export' | 'card', id: string, body: Record<string, unknown>) => {
    if (published.has(id)) return;
    await ada.publish(kind, id, body);
    published.add(id);
  };
  await once('export', MAIL, { ...exportTemplate(MAIL, `TAP mail ${RUN}`, true) });
  await once('export', HELD, { ...exportTemplate(HELD, `TAP held ${RUN}`, false) });
  for (const t of templates) await once('card', t.id, { ...t });
  await ada.dispose();
}
