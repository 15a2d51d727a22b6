/**
 * The PIV suite through the bridge: PivSession → ApduChannel → PcscBridgeCard (the page's adapter) →
 * WebSocket → the bridge → the `smartcard` addon → pcscd → vsmartcard-vpcd → the virtual YubiKey 5.7.
 * Also: reader events, what the bridge logs (lengths and status words, never payloads), and a card
 * pulled in the middle of a transaction.
 */
import { describe, expect, it } from 'vitest';
import { suiteService } from '../support/suite-service';
import { toHex } from '../../src/bytes';
import type { BridgeReader } from '../../src/transport/pcsc-bridge-protocol';
import { createVirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { connectVpcd } from '../../src/simulator/vpcd-client';
import { runPivSuite, SUITE_PINS } from '../support/piv-suite';
import { startBridgeRig, until } from './bridge-rig';

const SELECT_PIV = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08);
const sw = (r: Uint8Array) => toHex(r.slice(-2));

describe('the PC/SC bridge with a virtual YubiKey behind pcscd', () => {
  const rig = suiteService(() => startBridgeRig('yubikey-5.7'));

  it('lists the vpcd reader with the card and its ATR once paired', async () => {
    const client = await rig.openPaired();
    const readers = await client.listReaders();
    expect(readers).toContainEqual({ name: rig.harness.reader, present: true, atr: toHex(rig.harness.card.atr) });
    client.close();
  });

  it('runs select, verify, change PIN, key generation, signing and a certificate through PivSession', async () => {
    const client = await rig.openPaired();
    const card = await client.connectCard(rig.harness.reader, { mode: 'exclusive' });
    expect(card.kind).toBe('pcsc-bridge');
    expect(card.atr).toEqual(rig.harness.card.atr);
    const { wrongPin, signatureValid, signature, certificate, readBack } = await runPivSuite(card);
    expect(wrongPin).toMatchObject({ code: 'PIN_INVALID', fields: { retriesLeft: 2 } });
    expect(signatureValid).toBe(true);
    expect(readBack).toEqual(certificate);
    await card.close();
    client.close();

    // The bridge logged each APDU by length and status word only: no PIN, no certificate bytes.
    const apduLogs = rig.logs.filter((r) => r.msg === 'apdu');
    expect(apduLogs.length).toBeGreaterThan(10);
    expect(apduLogs.every((r) => typeof r.commandLength === 'number' && /^[0-9A-F]{4}$/.test(String(r.sw)))).toBe(true);
    const logText = JSON.stringify(rig.logs).toUpperCase();
    for (const secret of Object.values(SUITE_PINS)) {
      expect(logText).not.toContain(toHex(new TextEncoder().encode(secret)));
    }
    expect(logText).not.toContain(toHex(certificate.slice(40, 72)));
    expect(logText).not.toContain(toHex(signature.slice(0, 16)));
  });

  it('a card removed mid-transaction fails with CARD_REMOVED; after reinsertion the next connect works', async () => {
    // vpcd's second slot (the harness's port + 1) holds a second virtual card whose vpcd connection the test owns:
    // closing it is what pulling the card looks like to pcscd (vsmartcard vpcd.c, vicc_present).
    const reader = 'Virtual PCD 00 01';
    const vcard = createVirtualPivCard({ profile: 'piv-generic' });
    const insert = () =>
      connectVpcd({ port: rig.harness.vpcdPort + 1, card: vcard, backoff: { initialMs: 50, maxMs: 500 } });
    const client = await rig.openPaired();
    let readers: BridgeReader[] = [];
    client.onReaders((r) => (readers = r));
    const present = (want: boolean) => readers.some((r) => r.name === reader && r.present === want);
    let vpcd = insert();
    await until(() => present(true));
    const card = await client.connectCard(reader);
    await card.transaction(async () => {
      expect(sw(await card.transmit(SELECT_PIV))).toBe('9000');
      await vpcd.stop();
      await until(() => present(false));
      await expect(card.transmit(SELECT_PIV)).rejects.toMatchObject({ layer: 'transport', code: 'CARD_REMOVED' });
    });
    await expect(client.connectCard(reader)).rejects.toMatchObject({ code: 'NO_CARD' });

    vpcd = insert();
    await until(() => present(true));
    const again = await client.connectCard(reader);
    expect(sw(await again.transmit(SELECT_PIV))).toBe('9000');
    await again.close();
    await vpcd.stop();
    client.close();
  });
});
