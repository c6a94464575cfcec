// One import (an ImportRequest) in the data worker: picks the importer for the format,
// then runs the import pipeline (src/data/store/importPipeline.ts) with the real image
// decoder and the IndexedDB writer. Returns the summary; never throws.
import type { ClipLabDatabase } from '../data/db';
import { splitOf } from '../data/formats/split';
import { decodeForStore } from '../data/image/decodeResize';
import { importCaptionFile } from '../data/import/captionFileImporter';
import { importCoco } from '../data/import/cocoImporter';
import { ImportError, type ImportEvent } from '../data/import/types';
import { importWebDataset } from '../data/import/webdatasetImporter';
import { runImportPipeline } from '../data/store/importPipeline';
import { writeDataset } from '../data/store/shardStore';
import type { DataReport, ImportRequest, ImportSummary } from '../protocol/data';

/** Seed of the train/validation hash: fixed, so re-importing the same keys gives the same split. */
export const SPLIT_SEED = 0;

function pickOne(files: File[], pattern: RegExp, what: string, example: string): { chosen: File; rest: File[] } {
  const matches = files.filter((f) => pattern.test(f.name));
  if (matches.length === 0) throw new ImportError('(selection)', `no ${what} among the selected files (expected e.g. ${example})`);
  if (matches.length > 1) {
    throw new ImportError('(selection)', `${matches.length} ${what}s selected (${matches.map((f) => f.name).join(', ')}): import one at a time`);
  }
  return { chosen: matches[0], rest: files.filter((f) => f !== matches[0]) };
}

/** The importer's event stream for a request (throws ImportError for an unusable selection). */
export function importerFor(request: ImportRequest): AsyncIterable<ImportEvent> {
  const { files } = request;
  if (files.length === 0) throw new ImportError('(selection)', 'no files selected');
  switch (request.format) {
    case 'webdataset':
      return importWebDataset(files);
    case 'coco': {
      const isJson = (f: File) => /\.json$/i.test(f.name);
      let jsons = files.filter(isJson);
      // Prefer the captions file when instances_ / person_keypoints_ files came along.
      if (jsons.length > 1 && jsons.some((f) => /captions/i.test(f.name))) jsons = jsons.filter((f) => /captions/i.test(f.name));
      const { chosen } = pickOne(jsons, /\.json$/i, 'COCO captions .json file', 'captions_train2017.json');
      return importCoco(chosen, files.filter((f) => !isJson(f)));
    }
    case 'caption-file': {
      const { chosen, rest } = pickOne(files, /\.(csv|tsv|jsonl)$/i, 'caption mapping file (.csv, .tsv or .jsonl)', 'captions.csv');
      return importCaptionFile(chosen, rest);
    }
    default:
      throw new ImportError('(request)', `unknown import format ${String((request as { format: unknown }).format)}`);
  }
}

export function newDatasetId(format: string): string {
  const rand = Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${format}-${Date.now().toString(36)}-${rand}`;
}

export async function runImportJob(
  db: ClipLabDatabase,
  request: ImportRequest,
  post: (r: DataReport) => void,
  isCancelled: () => boolean,
): Promise<ImportSummary> {
  const t0 = Date.now();
  const { files: _files, ...settings } = request;
  let events: AsyncIterable<ImportEvent>;
  try {
    events = importerFor(request);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    return { jobId: request.jobId, datasetId: null, name: request.name, imported: 0, skippedCount: 0, skipped: [], cancelled: false, error, seconds: (Date.now() - t0) / 1000 };
  }
  return runImportPipeline(settings, {
    datasetId: newDatasetId(request.format),
    events,
    decode: decodeForStore,
    write: (manifest, produce) => writeDataset(db, manifest, produce),
    assignSplit: (key, valFraction) => splitOf(key, valFraction, SPLIT_SEED),
    post,
    isCancelled,
  });
}
