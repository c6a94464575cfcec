// Writes the built-in Fashion-MNIST subset (served from the app's own origin as
// /builtin/fashion-mnist.bin) into the shard store as an ordinary stored dataset:
// train → train, test → val, images as imageSize² RGB (toRgbSquare), three seeded
// captions per image from the caption templates, labels = class index, and the ten
// classes for zero-shot evaluation. Deterministic: the id depends only on the image
// size, the vocabulary target and the schema, so it is built once and then reused.
import { trainBpe } from '../../tokenizer/trainBpe';
import { Rng, deriveSeed } from '../../util/prng';
import type { ClipLabDatabase } from '../db';
import { ShardPacker } from '../store/shardPacker';
import { getDataset, writeDataset } from '../store/shardStore';
import { SCHEMA_VERSION, SHARD_SIZE, type DatasetManifest, type ShardRecord, type Split } from '../store/types';
import { FASHION_MNIST_BIN_PATH, parseFashionMnistBin, type FashionMnistData } from './fashionMnist';
import { FASHION_CLASS_PHRASES, FASHION_PROMPT_TEMPLATES, fashionCaptions } from './fashionMnistCaptions';
import { toRgbSquare } from './toRgbSquare';

export const FASHION_SEED = 0x46a5_4d4e;

export type ProgressFn = (done: number, total: number, message: string) => void;

export function fashionMnistDatasetId(imageSize: number, vocabSize: number): string {
  return `fashion-mnist-s${imageSize}-v${vocabSize}-schema${SCHEMA_VERSION}`;
}

export function fashionManifest(id: string, imageSize: number): DatasetManifest {
  return {
    id,
    name: `Fashion-MNIST ${imageSize}×${imageSize}`,
    source: 'fashion-mnist',
    schemaVersion: SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    spec: { kind: 'stored', id },
    imageSize,
    shardSize: SHARD_SIZE,
    splits: { train: { pairs: 0, shards: 0 }, val: { pairs: 0, shards: 0 } },
    bytes: 0,
    tokenizer: null,
    // Class names are the phrases with their article ("an ankle boot"): the prompt
    // templates ("a photo of {}") expect exactly that (see fashionMnist.ts).
    classes: FASHION_CLASS_PHRASES.map((name) => ({ name, heldOut: false })),
    promptTemplates: [...FASHION_PROMPT_TEMPLATES],
    complete: false,
  };
}

/**
 * The shards of the dataset (train, then val), in order; after the last one the manifest's
 * splits and tokenizer are filled in. `vocabSize` is the BPE target.
 */
export async function* fashionShards(
  manifest: DatasetManifest,
  data: FashionMnistData,
  vocabSize: number,
  onProgress: ProgressFn = () => undefined,
): AsyncGenerator<ShardRecord> {
  const S = manifest.imageSize;
  const packer = new ShardPacker(manifest.id, S, manifest.shardSize);
  const px = data.side * data.side;
  const total = data.train.count + data.test.count;
  const trainCaptions: string[] = [];
  let done = 0;
  for (const [split, part, tag] of [
    ['train', data.train, 'train'],
    ['val', data.test, 'test'],
  ] as [Split, FashionMnistData['train'], string][]) {
    const rng = new Rng(deriveSeed(FASHION_SEED, `fashion-mnist:${tag}`));
    for (let i = 0; i < part.count; i++) {
      const label = part.labels[i];
      const captions = fashionCaptions(label, rng);
      if (split === 'train') trainCaptions.push(...captions);
      const rgb = toRgbSquare(part.images.subarray(i * px, (i + 1) * px), data.side, S);
      const shard = packer.add(split, `fashion-mnist-${tag}-${String(i).padStart(5, '0')}`, rgb, captions, label);
      if (++done % 1000 === 0) onProgress(done, total, 'Writing Fashion-MNIST');
      if (shard) {
        yield shard;
      }
    }
  }
  for (const shard of packer.flush()) yield shard;
  manifest.splits = packer.splits();
  onProgress(total, total, 'Training the BPE tokenizer');
  manifest.tokenizer = trainBpe(trainCaptions, vocabSize).toJSON();
}

export async function fetchFashionMnistBin(): Promise<Uint8Array> {
  const url = `${import.meta.env.BASE_URL ?? '/'}${FASHION_MNIST_BIN_PATH}`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`Could not load the built-in Fashion-MNIST from ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok) throw new Error(`Could not load the built-in Fashion-MNIST from ${url}: HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The stored Fashion-MNIST dataset at this size, building it first if needed. */
export async function ensureFashionMnist(
  db: ClipLabDatabase,
  imageSize: number,
  vocabSize: number,
  onProgress: ProgressFn = () => undefined,
  fetchBin: () => Promise<Uint8Array> = fetchFashionMnistBin,
): Promise<{ manifest: DatasetManifest; fromCache: boolean }> {
  if (!Number.isInteger(imageSize) || imageSize < 8 || imageSize > 512) throw new RangeError(`image size must be an integer in 8..512, got ${imageSize}`);
  const id = fashionMnistDatasetId(imageSize, vocabSize);
  const existing = await getDataset(db, id);
  if (existing) return { manifest: existing, fromCache: true };
  onProgress(0, 1, 'Downloading Fashion-MNIST');
  const data = parseFashionMnistBin(await fetchBin());
  const manifest = fashionManifest(id, imageSize);
  await writeDataset(db, manifest, () => fashionShards(manifest, data, vocabSize, onProgress));
  return { manifest: { ...manifest, complete: true }, fromCache: false };
}
