// The data worker's protocol (src/worker/data.worker.ts): imports, browsing, export and deletion run in
// their own worker so that a long import never stalls training, and the UI never parses files.
// Commands that expect one answer carry a requestId (./requests.ts); an import is tracked by its jobId.
import type { KeepImages } from '../data/store/types';
import type { Request } from './requests';
// Imports, browsing, export and deletion run in their own worker (src/worker/data.worker.ts)
// so that a long import never stalls training, and the UI never parses files.

export type ImportFormat = 'webdataset' | 'coco' | 'caption-file';

export interface ImportRequest {
  jobId: string;
  format: ImportFormat;
  /** Dataset name shown in the UI. */
  name: string;
  /** webdataset: .tar / .tar.gz shards. coco: one captions_*.json plus the image files.
   *  caption-file: one .csv / .tsv / .jsonl mapping file plus the image files. */
  files: File[];
  /** Square side images are resized (centre crop) to. */
  imageSize: number;
  /** What is kept of each image besides those pixels (default: up to 256 px on the short side). */
  keepImages?: KeepImages;
  /** Share of pairs put in the validation split (by a hash of the key: deterministic). */
  valFraction: number;
  /** Target vocabulary of the BPE tokenizer trained on the imported captions. */
  vocabSize: number;
}

export interface DatasetSummary {
  id: string;
  name: string;
  source: string;
  createdAt: string;
  imageSize: number;
  /** What is kept of each image besides the imageSize² pixels (null: nothing; see KeepImages). */
  originals: KeepImages | null;
  trainPairs: number;
  valPairs: number;
  /** Approximate stored size in bytes (images + captions). */
  bytes: number;
  hasClasses: boolean;
}

export interface StorageInfo {
  usage: number;
  quota: number;
  persisted: boolean;
}

export interface SkipReport {
  file: string;
  reason: string;
}

export interface ImportSummary {
  jobId: string;
  datasetId: string | null;
  name: string;
  imported: number;
  /** Exact number of skips (the list below is capped at 1000 entries plus a "… more" line). */
  skippedCount: number;
  skipped: SkipReport[];
  cancelled: boolean;
  /** Set when the import failed as a whole; nothing was stored. */
  error?: string;
  /** Stored, but worth knowing (e.g. "only 1 validation pair"). Absent when there is nothing to say. */
  warnings?: string[];
  seconds: number;
}

export interface SampleItem {
  key: string;
  split: 'train' | 'val';
  /** Raw RGB bytes, size×size×3. */
  image: Uint8Array;
  size: number;
  captions: string[];
}

export type DataCommand =
  | { type: 'listDatasets' }
  | { type: 'import'; request: ImportRequest }
  | { type: 'cancelImport'; jobId: string }
  | { type: 'deleteDataset'; id: string }
  | ({ type: 'exportDataset'; id: string } & Request)
  | ({ type: 'browse'; id: string; offset: number; limit: number; query: string } & Request)
  | ({ type: 'ensureBuiltin'; name: 'fashion-mnist'; imageSize: number; vocabSize: number } & Request);

export type DataReport =
  | { type: 'datasets'; list: DatasetSummary[]; storage: StorageInfo }
  | { type: 'importProgress'; jobId: string; pairs: number; skipped: number; bytesRead: number; bytesTotal: number; message: string }
  | { type: 'importDone'; summary: ImportSummary }
  | { type: 'samples'; requestId: string; id: string; items: SampleItem[]; total: number; offset: number; query: string }
  | { type: 'exported'; requestId: string; id: string; fileName: string; blob: Blob }
  | { type: 'builtinReady'; requestId: string; name: 'fashion-mnist'; id: string }
  | { type: 'dataError'; message: string; context: string; requestId?: string };
