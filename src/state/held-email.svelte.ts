/**
 * One pass email held for the operator (its template is not sent automatically; workflows/held-email.ts):
 * shown composed, the code masked unless *Show code* allows it, then sent through the relay on the
 * operator's click, or left unsent. Smart Card Unblock holds its Deliver email here, the activation
 * summary each Initiate Card email.
 *
 * The pass's code is held only here, in memory, until the email is sent or the operator decides not to
 * send it; a failed send keeps it to try again (the idempotency key makes a repeat harmless).
 */
import type { AppError } from '../app-error';
import { heldEmailPreview, sendHeldEmail, type HeldEmail, type RenderedEmail } from '../workflows/held-email';
import type { Delivery, DeliveryTemplate, TapContext } from '../workflows/request-tap';
import { runGuarded } from './guarded';

export type { Delivery, HeldEmail, RenderedEmail };

/** Reactive state of one held email. */
export class HeldEmailState {
  /** The published data-export template the email is sent with. */
  readonly template: DeliveryTemplate;
  /** What became of the last send; null until the operator sends it. */
  delivery = $state.raw<Delivery | null>(null);
  /** The operator decided not to send it. */
  discarded = $state(false);
  busy = $state(false);
  error = $state.raw<AppError | null>(null);
  /** The email with the pass and its code, until it is sent or left unsent. */
  #held = $state.raw<HeldEmail | null>(null);

  constructor(
    held: HeldEmail,
    private readonly context: () => TapContext,
  ) {
    this.template = held.template;
    this.#held = held;
  }

  /** Still for the operator to decide on (or to send again after a failure). */
  get pending(): boolean {
    return this.#held !== null;
  }

  /** The email as it would go out, the code masked unless Show code allows it; null once decided. */
  get preview(): RenderedEmail | null {
    const held = this.#held;
    return held ? heldEmailPreview(held) : null;
  }

  /**
   * Sends it through the relay (audited as `mail.send`): once sent, the code is dropped; a failure keeps
   * it to try again. Returns the delivery, or null when there was nothing to send.
   */
  async send(): Promise<Delivery | null> {
    const held = this.#held;
    if (!held || this.busy) return null;
    let delivery: Delivery | null = null;
    await runGuarded(this, async () => {
      delivery = await sendHeldEmail(this.context(), held);
      this.delivery = delivery;
      if (delivery.status === 'sent') this.#held = null;
    });
    return delivery;
  }

  /** The operator decided not to send it: nothing is sent and the code is dropped. */
  discard(): void {
    if (!this.#held) return;
    this.#held = null;
    this.discarded = true;
  }

  /** Drops the code (the page or summary is closed) without deciding anything. */
  forget(): void {
    this.#held = null;
  }
}
