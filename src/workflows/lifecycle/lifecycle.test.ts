import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { deriveAdminSecrets } from '../../cards/admin-secrets';
import { openPivSession } from '../../cards/card';
import type { CardTransport } from '../../transport/card-transport';
import { auditRows, USER, useLifecycleWorld, issuedInReader } from '../../../test/lifecycle/lifecycle-fixtures';
import { activateCard } from './activate';
import { retireCard } from './retire';
import { detectLocked, unblockCard } from './unblock';
import { logLinesSource } from '../../../test/support/secrecy-sources';
import { secretsLeft } from '../../../test/workflows/secrets-left';

const session = (t: CardTransport) => openPivSession(t);

async function blockPin(t: CardTransport): Promise<void> {
  const s = await session(t);
  for (let i = 0; i < 3; i++) await s.verifyPin('00000000').catch(() => undefined);
}

const world = useLifecycleWorld();

describe('unblock, detect locked, retire', () => {
  it('a blocked PIN is detected as locked; the derived PUK unblocks it and the card is active again', async () => {
    const { transport, template, ports, issued } = await issuedInReader(world());
    await activateCard({ transport, activationPin: issued.activationPin!, newPin: '11223344', template, ports });
    expect((await detectLocked(transport, ports)).pinRetriesLeft).toBeNull(); // still verified from activation
    await blockPin(transport);
    const locked = await detectLocked(transport, ports);
    expect([locked.record.state, locked.pinRetriesLeft]).toEqual(['locked', 0]);
    expect(await ports.registry.card(issued.cardId)).toMatchObject({ state: 'locked', version: 3 });
    await expect(unblockCard({ transport, newPin: '12', template, ports })).rejects.toMatchObject({
      code: 'PIN_POLICY',
    });
    const u = await unblockCard({ transport, newPin: '55667788', template, ports });
    expect(u.pukRetriesLeft).toBe(3);
    expect(u.state).toBe('active');
    expect(await ports.registry.card(issued.cardId)).toMatchObject({ state: 'active', version: 4 });
    await (await session(transport)).verifyPin('55667788');
    await transport.close();
  });

  it('an issued card whose activation PIN is blocked is unblocked (audited) and stays issued; the new PIN activates it', async () => {
    const { transport, template, ports, issued } = await issuedInReader(world());
    await blockPin(transport);
    const u = await unblockCard({ transport, newPin: '66778899', template, ports });
    expect(u.state).toBe('issued');
    expect(await ports.registry.card(issued.cardId)).toMatchObject({ state: 'issued' });
    // No transition records it, so the page audits the operator's unblock itself.
    await expect
      .poll(async () => (await auditRows(world())).filter((r) => r.target.id === issued.cardId).map((r) => r.action))
      .toContain('card.unblock');
    // What the summary tells the holder: the PIN just set is the activation PIN now.
    const a = await activateCard({ transport, activationPin: '66778899', newPin: '11223344', template, ports });
    expect(a.cardId).toBe(issued.cardId);
    expect(await ports.registry.card(issued.cardId)).toMatchObject({ state: 'active' });
    await transport.close();
  });

  it.each(['yubikey-5.4', 'piv-generic+ff'] as const)(
    'retires a %s: keys and binding gone, the service records it retired',
    async (profile) => {
      const { transport, ports, issued } = await issuedInReader(world(), { profile });
      const r = await retireCard({ transport, ports });
      expect(r.cardId).toBe(issued.cardId);
      expect(await ports.registry.card(issued.cardId)).toMatchObject({ state: 'retired', holder: { oid: '' } });
      await expect(retireCard({ transport, ports })).rejects.toMatchObject({ code: 'NOT_ISSUED' });
      const s = await session(transport);
      const guid = await s.readChuid().then(
        (c) => c.guid,
        () => null,
      );
      expect(guid).not.toBe(USER.id);
      await s.verifyPin('123456');
      await s.changePuk('12345678', '12345678');
      if (profile === 'yubikey-5.4') await expect(s.readCertificate(0x9a)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await transport.close();
    },
  );
});

describe('secrets', () => {
  it('a full issue + activate leaves no PIN, PUK or management key in IndexedDB, the console or the relay log', async () => {
    const logs: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void logs.push(a.map(String).join(' '))),
    );
    const { transport, masterKey, template, ports, issued } = await issuedInReader(world());
    await activateCard({ transport, activationPin: issued.activationPin!, newPin: '97531864', template, ports });
    await transport.close();
    spies.forEach((s) => s.mockRestore());
    const { managementKey, puk } = await deriveAdminSecrets(
      masterKey,
      { serial: Number(issued.cardId.slice('serial:'.length)) },
      'AES192',
    );
    const secrets = {
      'the activation PIN': issued.activationPin!,
      'the new PIN': '97531864',
      'the PUK': puk,
      'the management key': managementKey,
    };
    expect(await secretsLeft(world(), [logLinesSource('the console', logs)], secrets)).toEqual([]);
  });
});
