/**
 * Earlier versions registered a generic PIV card under `chuid:<GUID hex>`, which gave two cards of one
 * holder the same id; today's id is the FASC-N (`cards/card.ts`). Moving such a record is a write, so it
 * is a step of its own that each workflow calls, by name, before it reads the card's record: a read of
 * the registry never changes it.
 */
import { legacyCardId, type CardIdentification } from '../../cards/card';
import { renameCard } from '../../store/registry';

/**
 * Moves the record an earlier version kept for this card under `chuid:<GUID hex>` to its FASC-N id;
 * true when it moved. Nothing changes for a YubiKey, for a card without such a record, or for one that
 * already has a record under its FASC-N id. Only call it with a CHUID read from the card itself (whose
 * GUID is its holder's), never with one planned for it.
 */
export async function migrateLegacyRecord(id: CardIdentification): Promise<boolean> {
  const legacy = legacyCardId(id);
  return legacy !== undefined && (await renameCard(legacy, id.cardId)) !== undefined;
}
