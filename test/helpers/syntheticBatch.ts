// A fixed synthetic batch for trainer tests: noise images and random token strings
// (start … end) for the tiny preset, deterministic from the seed.
import type { Batch } from '../../src/data/batch';
import { MODEL_PRESETS } from '../../src/model/config';
import { Rng } from '../../src/util/prng';

export function syntheticBatch(B: number, seed: number): Batch {
  const cfg = MODEL_PRESETS.tiny;
  const rng = new Rng(seed);
  const S = cfg.image.imageSize;
  const T = cfg.text.contextLength;
  const tokens = new Int32Array(B * T);
  const eot = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    eot[b] = 3 + rng.int(T - 3);
    tokens[b * T] = 1; // start
    for (let t = 1; t < eot[b]; t++) tokens[b * T + t] = 3 + rng.int(cfg.text.vocabSize - 3);
    tokens[b * T + eot[b]] = 2; // end
  }
  return { size: B, imageSize: S, images: Float32Array.from({ length: B * S * S * 3 }, () => rng.normal()), contextLength: T, tokens, eot };
}
