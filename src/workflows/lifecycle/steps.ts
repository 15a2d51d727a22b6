/**
 * The one catalogue of lifecycle steps: each step's id (journalled, and carried by every `StepEvent`),
 * the words the progress list and the summary show for it, and the operations it runs in, with the
 * condition it runs under there. The table is in the order the steps run.
 */
import type { LifecycleOperation } from './types';

/** When a step runs within an operation. */
export type StepCondition =
  | 'always'
  /** the template enrols a certificate */
  | 'certificate'
  /** the template lets the holder unblock the PIN on the self-service page (a 9E key is generated) */
  | 'self-service-unblock'
  /** the template creates a TAP at activation */
  | 'initiate-tap'
  /** the card is locked */
  | 'locked'
  | 'yubikey'
  /** a PIV card that is not a YubiKey */
  | 'generic';

interface StepSpec {
  readonly id: string;
  readonly label: string;
  readonly runsIn: Partial<Record<LifecycleOperation, StepCondition>>;
}

const ALL = { issue: 'always', activate: 'always', unblock: 'always', retire: 'always' } as const;

/** Every lifecycle step, in run order. */
export const LIFECYCLE_STEPS = [
  { id: 'detect', label: 'Detect the credential', runsIn: ALL },
  { id: 'authenticate', label: 'Authenticate with the management key', runsIn: { issue: 'always', retire: 'generic' } },
  { id: 'write-chuid', label: 'Bind the card to the user (CHUID)', runsIn: { issue: 'always' } },
  { id: 'set-management-key', label: 'Set the card’s own management key', runsIn: { issue: 'always' } },
  { id: 'set-puk', label: 'Set the card’s own PUK', runsIn: { issue: 'always' } },
  { id: 'set-pin', label: 'Set the activation PIN', runsIn: { issue: 'always' } },
  { id: 'generate-key', label: 'Generate the key pair and certificate request', runsIn: { issue: 'certificate' } },
  {
    id: 'generate-card-auth-key',
    label: 'Generate the Card Authentication key (9E) for the self-service unblock',
    runsIn: { issue: 'self-service-unblock' },
  },
  { id: 'verify-activation-pin', label: 'Check the activation PIN', runsIn: { activate: 'always' } },
  { id: 'change-pin', label: 'Set the holder’s PIN', runsIn: { activate: 'always' } },
  { id: 'reset-retry-counter', label: 'Set the new PIN with the PUK', runsIn: { unblock: 'always' } },
  { id: 'reset', label: 'Reset the YubiKey (keys, certificates and binding destroyed)', runsIn: { retire: 'yubikey' } },
  { id: 'destroy-keys', label: 'Destroy the keys and certificates', runsIn: { retire: 'generic' } },
  { id: 'reset-admin-secrets', label: 'Return PIN and PUK to factory values', runsIn: { retire: 'generic' } },
  { id: 'remove-binding', label: 'Remove the binding to the user', runsIn: { retire: 'generic' } },
  {
    id: 'register',
    label: 'Record the new state in the registry',
    runsIn: { issue: 'always', activate: 'always', unblock: 'locked', retire: 'always' },
  },
  { id: 'create-tap', label: 'Create and email the Temporary Access Pass', runsIn: { activate: 'initiate-tap' } },
  {
    id: 'revoke-tap',
    label: 'Remove the Temporary Access Pass Keyward created for the card',
    runsIn: { retire: 'always' },
  },
] as const satisfies readonly StepSpec[];

type Step = (typeof LIFECYCLE_STEPS)[number];

/** A lifecycle step's id, e.g. `'set-management-key'`. */
export type StepId = Step['id'];

/** The steps `operation` runs (a step of another operation is a type error in its workflow). */
export type StepOf<O extends LifecycleOperation> = Extract<Step, { readonly runsIn: Record<O, StepCondition> }>['id'];

const LABELS: ReadonlyMap<string, string> = new Map(LIFECYCLE_STEPS.map((s) => [s.id, s.label]));

/** The words for step `id`. */
export function stepLabel(id: StepId): string {
  return LABELS.get(id) ?? id;
}

/** The steps of `operation` with the condition each runs under, in run order. */
export function stepsOf(operation: LifecycleOperation): { id: StepId; when: StepCondition }[] {
  return LIFECYCLE_STEPS.flatMap((s) => {
    const when: StepCondition | undefined = (s.runsIn as StepSpec['runsIn'])[operation];
    return when ? [{ id: s.id, when }] : [];
  });
}
