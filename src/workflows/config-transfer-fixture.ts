/**
 * The configuration the config-transfer tests back up and import, over the real relay
 * (test/support/relay-world.ts) and fake-indexeddb: two connections, two data-export templates and two card
 * templates, one with TAP and Initiate Card. Each test starts from an empty relay with that backup imported.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { PEOPLE, startRelayWorld, type RelayWorld } from '../../test/support/relay-world';
import { fetchTemplates } from '../relay-api/templates';
import { saveConnection } from '../store/connections';
import { emptyCardDraft, publishCardTemplate } from './card-templates';
import { exportConfiguration, importConfiguration } from './config-transfer';
import { DEFAULT_TEMPLATE, publishDefaultTemplate, publishExportTemplate } from './export-templates';
import { RelayTemplateStore } from './template-store';

/** The relay, the administrator's template store and the backup every test starts from. */
export interface SeededConfiguration {
  readonly world: RelayWorld;
  /** The relay's templates as Adam Admin reaches them. */
  readonly store: RelayTemplateStore;
  /** The backup of the seeded configuration (exportConfiguration's text). */
  readonly baseline: string;
  /** The relay's templates as every operator reads them: kind, name, version and whether withdrawn. */
  onRelay(): Promise<unknown[][]>;
}

async function seed(store: RelayTemplateStore): Promise<void> {
  await saveConnection('relay', { relayUrl: 'https://relay.contoso.example', zeta: [1, { b: 2, a: null }] });
  await saveConnection('entra', { tenantId: 't-1', clientId: 'c-1' });
  const tap = await publishDefaultTemplate(store);
  const second = await publishExportTemplate(
    store,
    { ...DEFAULT_TEMPLATE, name: 'Card activation', subject: 'Your card, ${GivenName}' },
    null,
  );
  const plain = emptyCardDraft();
  plain.name = 'Plain PIV';
  plain.allowedCredentialTypes = ['piv'];
  await publishCardTemplate(store, plain, null);
  const tapCard = emptyCardDraft();
  tapCard.name = 'YubiKey with TAP';
  tapCard.issue.certificate = {
    slot: '9c',
    algorithm: 'RSA2048',
    subject: 'CN=${DisplayName}',
    upnSan: '${UserPrincipalName}',
  };
  tapCard.tap = {
    ...tapCard.tap,
    enabled: true,
    operatorMayGenerate: true,
    showCode: true,
    operatorDeliverTemplateId: second.id,
    lifetimeOverrideMinutes: 90,
    usableOnce: true,
  };
  tapCard.initiate = { systemGeneratesTap: true, exportTemplateIds: [tap.id, second.id] };
  await publishCardTemplate(store, tapCard, null);
}

/**
 * Registers the hooks of a config-transfer test file: a relay world seeded and backed up before the
 * file's tests, emptied and given the backup again before each, closed after. Returns it, once started.
 */
export function useSeededConfiguration(): () => SeededConfiguration {
  let seeded: SeededConfiguration | undefined;
  beforeAll(async () => {
    const world = await startRelayWorld();
    const store = new RelayTemplateStore(() => world.endpoint(PEOPLE.adam));
    await seed(store);
    const baseline = (await exportConfiguration(store)).text;
    const onRelay = async () =>
      (await fetchTemplates(world.endpoint(PEOPLE.olivia))).map((t) => [t.kind, t.name, t.version, t.withdrawn]);
    seeded = { world, store, baseline, onRelay };
  }, 60_000);
  afterAll(() => seeded?.world.close());
  beforeEach(async () => {
    await seeded!.world.reset();
    await importConfiguration(seeded!.baseline, seeded!.store);
  });
  return () => seeded!;
}
