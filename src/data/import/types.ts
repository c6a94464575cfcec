// What every importer yields: raw image–caption pairs (still encoded), skips with
// the file and the reason, and byte progress. Importers are async generators that
// stream their input; the import job (src/worker/importJob.ts) decodes, resizes and
// stores the pairs.

export interface RawPair {
  /** Unique key within the import (WebDataset key, COCO image id, file name). */
  key: string;
  /** The file the image came from, for messages ("shard-0001.tar: 000123.jpg"). */
  source: string;
  /** Encoded image bytes (JPEG, PNG, WebP, GIF, BMP) as found in the input. */
  image: Uint8Array;
  /** One or more captions, already normalised (NFC, whitespace collapsed, trimmed). */
  captions: string[];
  /** Optional metadata (WebDataset key.json, COCO image record). */
  meta?: unknown;
}

export interface Skip {
  /** File (and member) the problem is about. */
  file: string;
  reason: string;
}

export type ImportEvent =
  | { kind: 'pair'; pair: RawPair }
  | { kind: 'skip'; skip: Skip }
  | { kind: 'progress'; bytesRead: number; bytesTotal: number };

/** Thrown for a problem that ends the whole import (e.g. a malformed COCO JSON). */
export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ImportError';
  }
}
