/**
 * Entry point of the self-service page (`/self-service/`): the card holder's own app, a second input of
 * the same build under the same CSP and Trusted Types rules. It builds the page's state, mounts its
 * root, and registers the service worker. The first screen is the sign-in: MSAL, the relay client and the
 * reader and card stack each load when first needed (bench/bundle-size.ts measures what is left).
 */
import { mount } from 'svelte';
import SelfServiceApp from '../ui/self-service/SelfServiceApp.svelte';
import { HolderState, MyCardsState } from '../state/holder.svelte';
import { HolderActionState } from '../state/holder-action.svelte';
import { registerServiceWorker } from '../register-sw';
import { demoCardSerial } from '../demo-card-serial';
import '../ui/app.css';

const holder = new HolderState();
const cards = new MyCardsState(() => holder.relay());
const action = new HolderActionState({
  relay: () => holder.relay(),
  // The operator console's reader model, with every backend it has (the demo's virtual reader too).
  loadReaders: async () => {
    const { ReaderState } = await import('../state/readers.svelte');
    const readers = new ReaderState();
    await readers.start({
      demo: Boolean(holder.deployment?.demo),
      pcscBridgePort: holder.deployment?.pcscBridgePort,
      demoCardSerial: demoCardSerial(),
    });
    return readers;
  },
  changed: (card) => cards.replace(card),
});
holder.onSignedIn(() => void cards.load());
mount(SelfServiceApp, { target: document.getElementById('app')!, props: { holder, cards, action } });

void holder.init();
void registerServiceWorker();
