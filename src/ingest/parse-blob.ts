/**
 * Streaming parse of a Blob or File, for the Web Worker (and Node, whose Blob is the same): the file is
 * read by slices of BLOB_CHUNK_BYTES, decoded with a streaming TextDecoder and handed to the same reader as
 * parseCsvText, so the Table is the same. Only the Table and one slice are held at a time.
 */
import { CsvReader } from './reader';
import type { ParseOptions, ParseProgress, Table } from './types';

export const BLOB_CHUNK_BYTES = 1 << 20;
/** Bytes looked at to choose the text encoding. */
export const PROBE_BYTES = 64 * 1024;

/**
 * Parses a Blob or File by chunks. Reports progress after each chunk and once more with the final row
 * count; stops with the signal's reason
 * (an AbortError DOMException by default) when aborted. Throws CsvError when the file is not a readable CSV.
 */
export async function parseCsvBlob(
  blob: Blob,
  options?: ParseOptions,
  onProgress?: (p: ParseProgress) => void,
  signal?: AbortSignal,
): Promise<Table> {
  return readBlob(blob, options, onProgress, signal, BLOB_CHUNK_BYTES);
}

/** parseCsvBlob with a chosen slice size (tests use tiny ones). */
export async function readBlob(
  blob: Blob,
  options: ParseOptions | undefined,
  onProgress: ((p: ParseProgress) => void) | undefined,
  signal: AbortSignal | undefined,
  chunkBytes: number,
): Promise<Table> {
  signal?.throwIfAborted();
  const reader = new CsvReader(options);
  const total = blob.size;
  const probe = new Uint8Array(await blob.slice(0, Math.min(total, PROBE_BYTES)).arrayBuffer());
  const decoder = chooseDecoder(probe, reader);
  let offset = 0;
  while (offset < total) {
    signal?.throwIfAborted();
    const end = Math.min(total, offset + chunkBytes);
    const bytes = offset === 0 && end <= probe.length ? probe.subarray(0, end) : new Uint8Array(await blob.slice(offset, end).arrayBuffer());
    reader.push(decoder.decode(bytes, { stream: true }));
    offset = end;
    onProgress?.({ bytes: offset, totalBytes: total, rows: reader.rows });
  }
  reader.push(decoder.decode());
  signal?.throwIfAborted();
  const table = reader.finish();
  onProgress?.({ bytes: total, totalBytes: total, rows: table.rows });
  return table;
}

/**
 * UTF-8 unless the bytes say otherwise: a UTF-16 byte order mark, or bytes that are not valid UTF-8 (then
 * Windows-1252, what older Excel versions write in Western Europe). The UTF-8 BOM is kept for the reader,
 * which removes and reports it.
 */
export interface Decoder {
  decode(bytes?: Uint8Array, options?: { stream?: boolean }): string;
}

/** Windows-1252 bytes 0x80-0x9F (the rest is Latin-1); undefined bytes stay as they are. */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** A Windows-1252 decoder; Node 20's TextDecoder decodes that label as Latin-1, so fix 0x80-0x9F after it. */
function windows1252(): Decoder {
  const native = new TextDecoder('windows-1252');
  if (native.decode(new Uint8Array([0x80])) === '\u20ac') return native;
  return {
    decode: (bytes?: Uint8Array, options?: { stream?: boolean }) =>
      native.decode(bytes, options).replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!),
  };
}

export function chooseDecoder(probe: Uint8Array, reader: { note(text: string): void }): Decoder {
  if (probe[0] === 0xff && probe[1] === 0xfe) {
    reader.note('The file is UTF-16 (little-endian) text; it was read as such.');
    return new TextDecoder('utf-16le');
  }
  if (probe[0] === 0xfe && probe[1] === 0xff) {
    reader.note('The file is UTF-16 (big-endian) text; it was read as such.');
    return new TextDecoder('utf-16be');
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(probe, { stream: true });
  } catch {
    reader.note('The file is not valid UTF-8; it was read as Windows-1252 (Western European). Save it as "CSV UTF-8" if some characters look wrong.');
    return windows1252();
  }
  return new TextDecoder('utf-8', { ignoreBOM: true });
}
