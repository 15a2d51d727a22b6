import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openPivSession } from '../../cards/card';
import { lastUnfinishedRun } from '../../store/journal';
import { useLifecycleWorld, issuedInReader } from '../../../test/lifecycle/lifecycle-fixtures';
import { activateCard } from './activate';

const world = useLifecycleWorld();

describe('activateCard', () => {
  it('activates: wrong activation PIN → PIN_INVALID with tries left and no registry change; right one → active', async () => {
    const { transport, template, ports, issued } = await issuedInReader(world());
    await expect(
      activateCard({ transport, activationPin: '00000000', newPin: '24681357', template, ports }),
    ).rejects.toMatchObject({ layer: 'piv', code: 'PIN_INVALID', fields: { retriesLeft: 2 } });
    expect((await ports.registry.card(issued.cardId))?.state).toBe('issued');
    await expect(
      activateCard({ transport, activationPin: issued.activationPin!, newPin: '12a45b', template, ports }),
    ).rejects.toMatchObject({ code: 'PIN_POLICY' });
    const a = await activateCard({
      transport,
      activationPin: issued.activationPin!,
      newPin: '24681357',
      template,
      ports,
    });
    expect(a.tap).toEqual({ status: 'not-requested' });
    expect((await ports.registry.card(issued.cardId))?.state).toBe('active');
    await (await openPivSession(transport)).verifyPin('24681357');
    expect(await lastUnfinishedRun(issued.cardId)).toBeUndefined();
    await transport.close();
  });
});
