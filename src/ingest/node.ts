/**
 * Node adapter (command line): parse a CSV file from disk by streaming it, with the same code as in the
 * browser (fs.openAsBlob gives a file-backed Blob read slice by slice). Not re-exported by index.ts, so the
 * browser bundle never sees node:fs.
 */
import { openAsBlob } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseCsvBlob } from './parse-blob';
import { tableToCsvChunks } from './export';
import type { ExtraColumn } from './export';
import type { ParseOptions, ParseProgress, Table } from './types';

export async function parseCsvFile(
  path: string,
  options?: ParseOptions,
  onProgress?: (p: ParseProgress) => void,
  signal?: AbortSignal,
): Promise<Table> {
  return parseCsvBlob(await openAsBlob(path), options, onProgress, signal);
}

/** Writes tableToCsv's text to a file piece by piece (no single huge string). */
export async function writeCsvFile(path: string, table: Table, extra: ExtraColumn[] = []): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  try {
    for (const piece of tableToCsvChunks(table, extra)) {
      if (!out.write(piece)) await once(out, 'drain');
    }
  } finally {
    out.end();
  }
  await once(out, 'finish');
}
