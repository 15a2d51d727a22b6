/**
 * The Lifecycle page's view-model: the transitions of the state diagram a card's state allows, and the
 * progress list of an operation (the steps it will run, before any has started, then each step's
 * progress). Step words come from the lifecycle step catalogue.
 */
import type { CardTemplateRecord } from '../workflows/card-templates';
import type { CardState, CardStatus } from '../workflows/lifecycle/inspect';
import { stepLabel, stepsOf, type StepCondition, type StepId } from '../workflows/lifecycle/steps';
import type { LifecycleOperation, StepEvent } from '../workflows/lifecycle/types';

export type { CardState };

export { stepLabel } from '../workflows/lifecycle/steps';

/** An operator action on the state diagram. */
export type Transition = Extract<LifecycleOperation, 'issue' | 'activate' | 'unblock' | 'retire'>;

/** The diagram's arrows that are operator actions: from which states, to which state. */
export const TRANSITIONS: readonly {
  readonly name: Transition;
  readonly label: string;
  readonly from: readonly CardStatus['state'][];
  readonly to: CardStatus['state'];
}[] = [
  // A retired card is factory-fresh again (keys destroyed, binding removed), so it may be issued anew.
  { name: 'issue', label: 'Issue', from: ['blank', 'retired'], to: 'issued' },
  { name: 'activate', label: 'Activate', from: ['issued'], to: 'active' },
  { name: 'unblock', label: 'Unblock', from: ['locked'], to: 'active' },
  { name: 'retire', label: 'Retire', from: ['issued', 'active', 'locked'], to: 'retired' },
];

/** The transitions the card's `state` allows. */
export function allowedTransitions(state: CardStatus['state']): Transition[] {
  return TRANSITIONS.filter((t) => t.from.includes(state)).map((t) => t.name);
}

/** One line of the progress list. */
export interface ProgressRow {
  readonly step: StepId;
  readonly label: string;
  readonly status: 'pending' | 'running' | 'done' | 'skipped' | 'failed';
}

/** Whether a step that runs `when` runs for this card and template. */
function applies(
  when: StepCondition,
  card: Pick<CardStatus, 'kind' | 'state'>,
  template: CardTemplateRecord | null,
): boolean {
  switch (when) {
    case 'always':
      return true;
    case 'certificate':
      return !!template?.issue.certificate;
    case 'self-service-unblock':
      return !!template?.issue.selfServiceUnblock && template.issue.certificate?.slot !== '9e';
    case 'initiate-tap':
      return !!template?.initiate.systemGeneratesTap && !!template.tap.enabled;
    case 'locked':
      return card.state === 'locked';
    case 'yubikey':
      return card.kind === 'yubikey';
    case 'generic':
      return card.kind !== 'yubikey';
  }
}

/** The steps `operation` is expected to run for this card and template, all pending. */
export function plannedSteps(
  operation: Transition,
  card: Pick<CardStatus, 'kind' | 'state'>,
  template: CardTemplateRecord | null,
): ProgressRow[] {
  return stepsOf(operation)
    .filter((s) => applies(s.when, card, template))
    .map((s) => ({ step: s.id, label: stepLabel(s.id), status: 'pending' }));
}

/** The progress list after `event` (a step not planned is appended, e.g. a rolled-back issuance's second pass). */
export function applyStepEvent(rows: readonly ProgressRow[], event: StepEvent): ProgressRow[] {
  const status = event.phase === 'start' ? 'running' : event.phase === 'done' ? 'done' : 'skipped';
  const at = rows.findIndex(
    (r) =>
      r.step === event.step &&
      (event.phase === 'start' ? r.status === 'pending' : r.status === 'running' || r.status === 'pending'),
  );
  if (at < 0) return [...rows, { step: event.step, label: stepLabel(event.step), status }];
  return rows.map((r, i) => (i === at ? { ...r, status } : r));
}

/** What became of the card's pass, by the `revoke-tap` step's `pass` detail. */
const PASS_OUTCOMES: Readonly<Record<string, string>> = {
  none: 'none to remove',
  revoked: 'removed',
  gone: 'already gone',
  failed: 'not removed',
};

/** How a finished step ended, in a few words for the summary's list ("done", "already done on the card" …). */
export function stepOutcome(event: StepEvent): string {
  if (event.phase === 'skipped') return 'already done on the card';
  if (event.step === 'revoke-tap') return PASS_OUTCOMES[String(event.detail?.pass)] ?? 'done';
  return 'done';
}

/** The progress list after the operation failed: the running step is marked failed. */
export function failRunning(rows: readonly ProgressRow[]): ProgressRow[] {
  return rows.map((r) => (r.status === 'running' ? { ...r, status: 'failed' } : r));
}
