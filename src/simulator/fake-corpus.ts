/**
 * Test helper: the reader corpus (test/fixtures/ccid-readers.json, from LudovicRousseau/CCID's
 * readers/ directory). Node-only; imported by tests, never by the app.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CorpusReaderEntry } from './virtual-usb-descriptors';

/** Where the corpus lives: test/fixtures/ in the repository; CCID_CORPUS overrides it. */
export const CORPUS_PATH =
  process.env['CCID_CORPUS'] ?? fileURLToPath(new URL('../../test/fixtures/ccid-readers.json', import.meta.url));

/** A corpus entry with the fields the corpus adds for people (file name, decoded descriptor). */
export interface CorpusReader extends CorpusReaderEntry {
  readonly file: string;
  readonly descriptor: Readonly<Record<string, number>>;
}

let cached: CorpusReader[] | null = null;

/** All 773 readers. */
export function loadCorpus(): CorpusReader[] {
  cached ??= (JSON.parse(readFileSync(CORPUS_PATH, 'utf8')) as { readers: CorpusReader[] }).readers;
  return cached;
}

/** The reader whose source file is `file` (e.g. 'DellSCRK.txt'). */
export function corpusEntry(file: string): CorpusReader {
  const entry = loadCorpus().find((r) => r.file === file);
  if (!entry) throw new Error(`No corpus reader ${file}`);
  return entry;
}
