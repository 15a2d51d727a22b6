/**
 * The card handle the layers above pass around. Readers themselves (listing, opening, presence) are the
 * reader backends' (src/transport/reader-backend.ts), composed in src/workflows/readers.ts.
 */
export type { CardTransport } from '../transport/card-transport';
