/** A request's body, for the emulator's handlers that read it themselves (the sign-in form, the token guard). */
import type { IncomingMessage } from 'node:http';
import { concatBytes } from '../../src/bytes';

/** The body of `req` as UTF-8 text; throws once it grows past `limit` bytes. */
export async function readBodyText(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) throw new Error(`request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return new TextDecoder().decode(concatBytes(...chunks));
}
