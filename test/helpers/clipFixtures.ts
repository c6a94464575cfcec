// The PyTorch-made CLIP fixtures of test/fixtures/clip (make_fixtures.py) as tests read them: the
// model folders, their reference embeddings, a folder as the loader's injected files.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CheckpointFile } from '../../src/model/checkpoints/loadClipFolder';
import { bytesSource } from '../../src/model/files/safetensorsReader';

export const CLIP_FIXTURES = join(__dirname, '..', 'fixtures', 'clip');
export const CLIP_MODELS = ['vit32_quickgelu_f32', 'vit64_gelu_f16', 'vit32_gelu_bf16'];

export interface ClipReference {
  imageSize: number;
  contextLength: number;
  embedDim: number;
  images: number[][];
  captions: string[];
  tokens: number[][];
  eot: number[];
  imageEmbeddings: number[];
  textEmbeddings: number[];
  logits: number[];
  logitScale: number;
}

export function clipReference(model: string): ClipReference {
  return JSON.parse(readFileSync(join(CLIP_FIXTURES, model, 'reference.json'), 'utf8')) as ClipReference;
}

/** A fixture folder's files (minus `drop`, with `patch` replacing some bytes), named as a picked folder's. */
export function folderFiles(dir: string, drop: string[] = [], patch: Record<string, Uint8Array> = {}): CheckpointFile[] {
  return readdirSync(dir)
    .filter((n) => !drop.includes(n))
    .map((n) => {
      const bytes = patch[n] ?? new Uint8Array(readFileSync(join(dir, n)));
      return { name: `models/${n}`, text: async () => new TextDecoder().decode(bytes), source: () => bytesSource(bytes) };
    });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
