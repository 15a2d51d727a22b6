/**
 * What the Lifecycle page needs around the lifecycle workflows: which state the card in the reader is in
 * (Detect + registry + Detect Locked), which transitions that state allows, the steps an operation will
 * run (for the progress list, before any of them has started), and the preconditions checked before a
 * card is touched (master key, template, the holder's new PIN typed twice).
 */
import { AppError } from '../app-error';
import type { CardTransport } from '../cards/readers';
import type { CardState, CardTemplateRecord, RegistryRecord } from '../store/db';
import { getCardTemplate } from '../store/card-templates';
import { cardTemplates } from './card-templates';
import { identifyCard, openCard, registryRecordOf } from './lifecycle/card';
import { checkPinPolicy } from './lifecycle/pins';
import type { LifecycleOperation, StepEvent } from './lifecycle/types';
import { detectLocked } from './lifecycle/unblock';
import { currentMasterKey } from './master-key';

export type { CardState, CardTemplateRecord, CardTransport, RegistryRecord };

/** An operator action on the state diagram. */
export type Transition = Extract<LifecycleOperation, 'issue' | 'activate' | 'unblock' | 'retire'>;

/** The diagram's arrows that are operator actions: from which states, to which state. */
export const TRANSITIONS: readonly {
  readonly name: Transition;
  readonly label: string;
  readonly from: readonly CardState[];
  readonly to: CardState;
}[] = [
  // A retired card is factory-fresh again (keys destroyed, binding removed), so it may be issued anew.
  { name: 'issue', label: 'Issue', from: ['blank', 'retired'], to: 'issued' },
  { name: 'activate', label: 'Activate', from: ['issued'], to: 'active' },
  { name: 'unblock', label: 'Unblock', from: ['locked'], to: 'active' },
  { name: 'retire', label: 'Retire', from: ['issued', 'active', 'locked'], to: 'retired' },
];

/** The transitions the card's `state` allows. */
export function allowedTransitions(state: CardState): Transition[] {
  return TRANSITIONS.filter((t) => t.from.includes(state)).map((t) => t.name);
}

/** The card in the reader as the page shows it. */
export interface CardStatus {
  readonly state: CardState;
  readonly kind: 'yubikey' | 'piv';
  readonly typeName: string;
  readonly serial: number | null;
  /** The registry's record; null for a card this browser never issued. */
  readonly record: RegistryRecord | null;
  /** PIN tries left, where the card says (null once verified or unknown). */
  readonly pinRetriesLeft: number | null;
}

/**
 * Reads the card in `transport`: Detect, its id, the registry, and (for an issued card) whether its PIN
 * is blocked, which moves it to `locked`. Nothing is written to the card.
 */
export async function inspectCard(transport: CardTransport): Promise<CardStatus> {
  const card = await openCard(transport);
  const base = { kind: card.kind, typeName: card.detected.typeName, serial: card.serial };
  const id = await identifyCard(card);
  const record = id ? ((await registryRecordOf(id)) ?? null) : null;
  if (!record || record.state === 'blank' || record.state === 'retired')
    return { ...base, state: record?.state ?? 'blank', record, pinRetriesLeft: null };
  const { record: now, pinRetriesLeft } = await detectLocked(transport);
  return { ...base, state: now.state, record: now, pinRetriesLeft };
}

/** The card templates that may be applied to a `kind` credential. */
export async function issuingTemplates(kind: CardStatus['kind']): Promise<CardTemplateRecord[]> {
  return (await cardTemplates()).filter((t) => t.allowedCredentialTypes.includes(kind));
}

/** The card master key; `MASTER_KEY_MISSING` when this browser has none, so nothing can be issued. */
export async function requireMasterKey(): Promise<CryptoKey> {
  const key = await currentMasterKey();
  if (!key) throw new AppError('workflows', 'MASTER_KEY_MISSING', 'This browser holds no card master key.');
  return key;
}

/** The template the card was issued under; `TEMPLATE_GONE` when it was deleted since. */
export async function templateOfCard(record: RegistryRecord): Promise<CardTemplateRecord> {
  const template = record.templateId ? await getCardTemplate(record.templateId) : undefined;
  if (!template)
    throw new AppError('workflows', 'TEMPLATE_GONE', 'The card template this card was issued under no longer exists.', {
      templateId: record.templateId,
    });
  return template;
}

/** Checks the holder's new PIN, typed twice, against the template's policy before anything is sent to the card. */
export function checkNewPin(pin: string, repeat: string, template: CardTemplateRecord): void {
  if (pin !== repeat) throw new AppError('workflows', 'PIN_MISMATCH', 'The two new PINs differ.');
  checkPinPolicy(pin, template.issue.pinPolicy);
}

/** One line of the progress list. */
export interface ProgressRow {
  readonly step: string;
  readonly label: string;
  readonly status: 'pending' | 'running' | 'done' | 'skipped' | 'failed';
}

/** Words for each step name the lifecycle workflows emit. */
export const STEP_LABELS: Readonly<Record<string, string>> = {
  detect: 'Detect the credential',
  authenticate: 'Authenticate with the management key',
  'write-chuid': 'Bind the card to the user (CHUID)',
  'set-management-key': 'Set the card’s own management key',
  'set-puk': 'Set the card’s own PUK',
  'set-pin': 'Set the activation PIN',
  'generate-key': 'Generate the key pair and certificate request',
  register: 'Record the new state in the registry',
  'verify-activation-pin': 'Check the activation PIN',
  'change-pin': 'Set the holder’s PIN',
  'create-tap': 'Create and email the Temporary Access Pass',
  'reset-retry-counter': 'Set the new PIN with the PUK',
  reset: 'Reset the YubiKey (keys, certificates and binding destroyed)',
  'destroy-keys': 'Destroy the keys and certificates',
  'reset-admin-secrets': 'Return PIN and PUK to factory values',
  'remove-binding': 'Remove the binding to the user',
};

const label = (step: string) => STEP_LABELS[step] ?? step;

/** The steps `operation` is expected to run for this card and template, all pending. */
export function plannedSteps(
  operation: Transition,
  card: Pick<CardStatus, 'kind' | 'state'>,
  template: CardTemplateRecord | null,
): ProgressRow[] {
  const steps: Record<Transition, string[]> = {
    issue: [
      'detect',
      'authenticate',
      'write-chuid',
      'set-management-key',
      'set-puk',
      'set-pin',
      ...(template?.issue.certificate ? ['generate-key'] : []),
      'register',
    ],
    activate: [
      'detect',
      'verify-activation-pin',
      'change-pin',
      'register',
      ...(template?.initiate.systemGeneratesTap && template.tap.enabled ? ['create-tap'] : []),
    ],
    unblock: ['detect', 'reset-retry-counter', ...(card.state === 'locked' ? ['register'] : [])],
    retire: [
      'detect',
      ...(card.kind === 'yubikey'
        ? ['reset']
        : ['authenticate', 'destroy-keys', 'reset-admin-secrets', 'remove-binding']),
      'register',
    ],
  };
  return steps[operation].map((step) => ({ step, label: label(step), status: 'pending' }));
}

/** The progress list after `event` (a step not planned is appended, e.g. a rolled-back issuance's second pass). */
export function applyStepEvent(rows: readonly ProgressRow[], event: StepEvent): ProgressRow[] {
  const status = event.phase === 'start' ? 'running' : event.phase === 'done' ? 'done' : 'skipped';
  const at = rows.findIndex(
    (r) =>
      r.step === event.step &&
      (event.phase === 'start' ? r.status === 'pending' : r.status === 'running' || r.status === 'pending'),
  );
  if (at < 0) return [...rows, { step: event.step, label: label(event.step), status }];
  return rows.map((r, i) => (i === at ? { ...r, status } : r));
}

/** The progress list after the operation failed: the running step is marked failed. */
export function failRunning(rows: readonly ProgressRow[]): ProgressRow[] {
  return rows.map((r) => (r.status === 'running' ? { ...r, status: 'failed' } : r));
}
