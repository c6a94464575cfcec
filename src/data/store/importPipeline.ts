// The body of an import, with its outside world injected (importer events, image
// decoder, dataset writer, split function, clock) so that it runs in Node tests:
// iterate the importer's events, decode each pair to S×S RGB (and the image as kept), assign its split by a
// hash of its key, pack 256-pair shards per split, and hand them to the writer (which
// stores them atomically: see writeDataset). At the end it trains the BPE tokenizer on
// the training captions and completes the manifest. Failures, cancellation and quota
// errors become an ImportSummary; nothing is stored then (the writer rolls back).
import type { DataReport, ImportRequest, ImportSummary, SkipReport } from '../../protocol/data';
import { trainBpe } from '../../tokenizer/trainBpe';
import { ImportError, type ImportEvent } from '../import/types';
import { isQuotaError } from './shardStore';
import { ShardPacker } from './shardPacker';
import { DEFAULT_KEEP_IMAGES, SCHEMA_VERSION, SHARD_SIZE, type DatasetManifest, type DatasetSource, type KeepImages, type KeptImage, type DatasetRecord, type Split } from './types';

/** At most this many skips are listed one by one in the summary (the count is always exact). */
export const MAX_LISTED_SKIPS = 1000;
/** Minimum milliseconds between two progress reports (~5 Hz). */
export const PROGRESS_INTERVAL_MS = 200;

export interface ImportPipelineDeps {
  datasetId: string;
  events: AsyncIterable<ImportEvent>;
  /**
   * Encoded image → size·size·3 RGB bytes and, when `keep` is given, the image as kept
   * (decodeForStore); throws ImportError for a bad image (→ a skip).
   */
  decode: (bytes: Uint8Array, size: number, file: string, keep?: KeepImages) => Promise<{ rgb: Uint8Array; kept?: KeptImage }>;
  /** Stores the dataset atomically (writeDataset with a db bound). */
  write: (manifest: DatasetManifest, produceShards: () => AsyncIterable<DatasetRecord>) => Promise<void>;
  /** The split of a key (splitOf(key, valFraction, 0)). */
  assignSplit: (key: string, valFraction: number) => Split;
  post: (r: DataReport) => void;
  isCancelled: () => boolean;
  now?: () => number;
  shardSize?: number;
}

export type ImportSettings = Omit<ImportRequest, 'files'>;

class Cancelled extends Error {}
class NoPairs extends Error {}

function splitFromMeta(meta: unknown): Split | null {
  const split = (meta as { split?: unknown } | undefined)?.split;
  return split === 'train' || split === 'val' ? split : null;
}

export function noPairsMessage(skipped: number, listed: SkipReport[]): string {
  if (skipped === 0) return 'no valid pairs found: the selected files hold no image–caption pairs';
  const shown = listed.slice(0, 5).map((s) => `${s.file}: ${s.reason}`);
  const more = skipped > shown.length ? `; … ${skipped - shown.length} more` : '';
  return `no valid pairs found (${skipped} skipped: ${shown.join('; ')}${more})`;
}

export function quotaMessage(pairs: number): string {
  return `Storage quota exceeded after ${pairs} pairs: the import was rolled back; free space or import fewer files`;
}

/** What the user should hear about a stored but lopsided split. */
export function splitWarnings(train: number, val: number): string[] {
  const out: string[] = [];
  if (train < 2) out.push(`only ${train} training pair${train === 1 ? '' : 's'}: too few to train on (lower the validation share or add data)`);
  if (val < 2) out.push(`only ${val} validation pair${val === 1 ? '' : 's'}: evaluation metrics will be missing or meaningless (raise the validation share)`);
  return out;
}

export async function runImportPipeline(settings: ImportSettings, deps: ImportPipelineDeps): Promise<ImportSummary> {
  const now = deps.now ?? (() => Date.now());
  const t0 = now();
  const { jobId, name, imageSize, valFraction, vocabSize } = settings;
  const keep = settings.keepImages ?? DEFAULT_KEEP_IMAGES;
  const packer = new ShardPacker(deps.datasetId, imageSize, deps.shardSize ?? SHARD_SIZE);
  const skipped: SkipReport[] = [];
  let skipCount = 0;
  let bytesRead = 0;
  let bytesTotal = 0;
  let lastPost = -Infinity;
  const seen = new Set<string>();
  const trainCaptions: string[] = [];
  const valCaptions: string[] = [];

  const skip = (file: string, reason: string) => {
    skipCount++;
    if (skipped.length < MAX_LISTED_SKIPS) skipped.push({ file, reason });
  };
  const progress = (message: string, force = false) => {
    const t = now();
    if (!force && t - lastPost < PROGRESS_INTERVAL_MS) return;
    lastPost = t;
    deps.post({ type: 'importProgress', jobId, pairs: packer.pairs, skipped: skipCount, bytesRead, bytesTotal, message });
  };

  const manifest: DatasetManifest = {
    id: deps.datasetId,
    name,
    source: settings.format satisfies DatasetSource,
    schemaVersion: SCHEMA_VERSION,
    createdAt: new Date(t0).toISOString(),
    spec: { kind: 'stored', id: deps.datasetId },
    imageSize,
    originals: keep,
    shardSize: packer.shardSize,
    splits: { train: { pairs: 0, shards: 0 }, val: { pairs: 0, shards: 0 } },
    bytes: 0,
    tokenizer: null,
    classes: [],
    promptTemplates: [],
    complete: false,
  };
  let warnings: string[] = [];

  async function* produce(): AsyncGenerator<DatasetRecord> {
    progress('Reading files…', true);
    for await (const ev of deps.events) {
      if (deps.isCancelled()) throw new Cancelled();
      if (ev.kind === 'progress') {
        bytesRead = ev.bytesRead;
        bytesTotal = ev.bytesTotal;
      } else if (ev.kind === 'skip') {
        skip(ev.skip.file, ev.skip.reason);
      } else {
        const { pair } = ev;
        if (seen.has(pair.key)) {
          skip(pair.source, `duplicate key "${pair.key}" (the first pair with this key was kept)`);
          continue;
        }
        const captions = pair.captions.filter((c) => c.length > 0);
        if (captions.length === 0) {
          skip(pair.source, 'no caption');
          continue;
        }
        let decoded: { rgb: Uint8Array; kept?: KeptImage };
        try {
          decoded = await deps.decode(pair.image, imageSize, pair.source, keep);
          if (!decoded.kept) throw new Error(`${pair.source}: the decoder kept no image`);
        } catch (e) {
          if (!(e instanceof ImportError)) throw e;
          skip(e.file, e.reason);
          continue;
        }
        if (deps.isCancelled()) throw new Cancelled();
        seen.add(pair.key);
        // A split recorded in the pair's metadata (CLIP Lab's own export writes it) wins, so
        // export → import keeps train and validation apart as they were.
        const split = splitFromMeta(pair.meta) ?? deps.assignSplit(pair.key, valFraction);
        (split === 'train' ? trainCaptions : valCaptions).push(...captions);
        const shard = packer.add(split, pair.key, decoded.rgb, captions, -1, decoded.kept);
        yield* packer.takeOriginals(); // written as they fill, before their shard
        if (shard) yield shard;
      }
      progress(`Imported ${packer.pairs} pairs${skipCount ? `, skipped ${skipCount}` : ''}`);
    }
    if (deps.isCancelled()) throw new Cancelled();
    if (packer.pairs === 0) throw new NoPairs();
    const last = packer.flush();
    yield* packer.takeOriginals();
    yield* last;
    manifest.splits = packer.splits();
    progress('Training the tokenizer…', true);
    manifest.tokenizer = trainBpe(trainCaptions.length > 0 ? trainCaptions : valCaptions, vocabSize).toJSON();
    warnings = splitWarnings(manifest.splits.train.pairs, manifest.splits.val.pairs);
    if (warnings.length) manifest.notes = warnings;
  }

  const summary = (over: Partial<ImportSummary>): ImportSummary => ({
    jobId,
    datasetId: null,
    name,
    imported: 0,
    skippedCount: skipCount,
    skipped: skipCount > skipped.length ? [...skipped, { file: '…', reason: `${skipCount - skipped.length} more skipped` }] : skipped,
    cancelled: false,
    seconds: (now() - t0) / 1000,
    ...over,
  });

  try {
    await deps.write(manifest, produce);
  } catch (e) {
    if (e instanceof Cancelled) return summary({ cancelled: true });
    if (e instanceof NoPairs) return summary({ error: noPairsMessage(skipCount, skipped) });
    if (isQuotaError(e)) return summary({ error: quotaMessage(packer.pairs) });
    if (e instanceof ImportError) return summary({ error: e.message });
    return summary({ error: `Import failed: ${e instanceof Error ? e.message : String(e)}` });
  }
  progress(`Imported ${packer.pairs} pairs`, true);
  return summary({ datasetId: manifest.id, imported: packer.pairs, ...(warnings.length ? { warnings } : {}) });
}
