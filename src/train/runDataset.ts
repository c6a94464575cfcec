// What a training run needs from its dataset, with the dependencies injected: shards by index
// (IndexedDB in the app, memory in the unit tests), the split sizes, and the dataset's identity
// (recorded in checkpoints, so a resume refuses other data). `storeRunDataset` wires the app's
// shard store in. The default batch source, ReaderBatchSource, streams the reader's batches and
// resumes from the reader's {epoch, pos, batches} (exact by replay, see readerSchedule.ts).
import type { ModelImageInput } from '../data/image/modelInput';
import { ShardReader, type AugmentOptions, type CaptionEncoder, type ReaderState, type ShardLoader } from '../data/store/shardReader';
import type { DatasetView } from '../data/store/datasetView';
import { shardCounts, type DatasetManifest } from '../data/store/types';
import { readEpisodeFromShards, type EpisodePairSource } from '../objectives/protoclip/episodePairs';
import type { BatchSource, BatchSourceSnapshot, TrainingBatch } from '../objectives/objective';

/** Who the data is: enough to tell a checkpoint's dataset from another. */
export interface DatasetIdentity {
  id: string;
  name: string;
  source: string;
  imageSize: number;
  trainPairs: number;
  valPairs: number;
}

export interface RunDataset {
  identity: DatasetIdentity;
  /** Split sizes and shard layout, as the reader needs them. */
  layout: Pick<DatasetManifest, 'name' | 'imageSize' | 'shardSize' | 'splits'>;
  loadShard: ShardLoader;
  /** Training-time augmentation (none for the Shapes world, whose captions name sizes and positions). */
  augment?: AugmentOptions;
  /** Every training caption (ProtoCLIP's teacher fit). */
  allCaptions(): Promise<string[]>;
  /** The data is not in storage: the run can be loaded (inference, export) but not trained or evaluated. */
  detached?: boolean;
}

export function identityOf(m: DatasetManifest): DatasetIdentity {
  return { id: m.id, name: m.name, source: m.source, imageSize: m.imageSize, trainPairs: m.splits.train.pairs, valPairs: m.splits.val.pairs };
}

/** A stored dataset as a run's data: its identity, read through `view` (the images at the model's input size). */
export function storeRunDataset(manifest: DatasetManifest, view: DatasetView): RunDataset {
  const loadShard = view.shard;
  return {
    identity: identityOf(manifest),
    layout: view.manifest,
    loadShard,
    // Real images get a mild random crop; the Shapes world is generated fresh per pair and its
    // captions name sizes and positions a crop could change.
    augment: manifest.source === 'shapes' ? undefined : { randomResizedCrop: [0.9, 1] },
    allCaptions: async () => {
      const out: string[] = [];
      for (let i = 0; i < manifest.splits.train.shards; i++) for (const cs of (await loadShard('train', i)).captions) out.push(...cs);
      return out;
    },
  };
}

/** A run's dataset that is no longer stored: any read says so. */
export function detachedRunDataset(identity: DatasetIdentity, shardSize = 256): RunDataset {
  const missing = async (): Promise<never> => {
    throw new Error(`${identity.name} is not in storage: import it again to train or evaluate this model`);
  };
  const shards = (pairs: number) => ({ pairs, shards: Math.ceil(pairs / shardSize) });
  return {
    identity,
    layout: { name: identity.name, imageSize: identity.imageSize, shardSize, splits: { train: shards(identity.trainPairs), val: shards(identity.valPairs) } },
    loadShard: missing,
    allCaptions: missing,
    detached: true,
  };
}

/** The training split pair by pair (ProtoCLIP's episode source), read shard by shard. */
export function episodePairs(data: RunDataset): EpisodePairSource {
  const { layout } = data;
  const sizes = shardCounts(layout.splits.train, layout.shardSize);
  return {
    numPairs: layout.splits.train.pairs,
    imageSize: layout.imageSize,
    read: (indices, seed) => readEpisodeFromShards(indices, seed, sizes, layout.imageSize, (s) => data.loadShard('train', s)),
    allCaptions: () => data.allCaptions(),
  };
}

export interface ReaderSettings {
  batchSize: number;
  seed: number;
  contextLength: number;
  tokenizer: CaptionEncoder;
  /** The model's input (size, mean/std), when it is not the stored size with the app's normalisation. */
  input?: ModelImageInput;
}

/** A training-split reader; a fresh one replays the same order, one built with `state` continues there. */
export function trainReader(data: RunDataset, s: ReaderSettings, state?: ReaderState): ShardReader {
  return new ShardReader(data.loadShard, data.layout, {
    split: 'train',
    batchSize: s.batchSize,
    seed: s.seed,
    shuffleBuffer: Math.min(Math.max(2 * s.batchSize, 512), data.layout.splits.train.pairs),
    contextLength: s.contextLength,
    tokenizer: s.tokenizer,
    augment: data.augment,
    input: s.input,
    state,
  });
}

/** The default batch source: the reader's stream. Snapshot = the reader's state. */
export class ReaderBatchSource implements BatchSource {
  private reader: ShardReader;
  readonly preparesNext = false;

  constructor(
    private readonly data: RunDataset,
    private readonly settings: ReaderSettings,
  ) {
    this.reader = trainReader(data, settings);
  }

  nextBatch(): Promise<TrainingBatch> {
    return this.reader.nextBatch();
  }

  async snapshot(): Promise<BatchSourceSnapshot> {
    return { state: this.reader.state(), arrays: {} };
  }

  async restore(snapshot: BatchSourceSnapshot): Promise<void> {
    const st = snapshot.state as ReaderState;
    if (!st || ![st.epoch, st.pos, st.batches].every((x) => Number.isInteger(x) && x >= 0)) throw new Error('checkpoint: unreadable reader state');
    this.reader = trainReader(this.data, this.settings, st);
  }

  dispose(): void {}
}
