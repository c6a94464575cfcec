// ProtoCLIP episodes (methods.md §5 step 1): each episode draws E pairs WITH replacement from the
// dataset, seeded per (seed, episode index) so a run is reproducible and episodes differ; K ≈ E/10
// prototypes (≈10 members each). Within an episode the pairs are trained on in a seeded
// permutation of their positions (shuffledPositions).
import { Rng, deriveSeed } from '../../util/prng';

/** E dataset indices in [0, numPairs), drawn uniformly with replacement. */
export function sampleEpisode(numPairs: number, E: number, seed: number, episodeIndex: number): Int32Array {
  if (!Number.isInteger(numPairs) || numPairs < 1) throw new Error(`sampleEpisode: numPairs must be ≥ 1, got ${numPairs}`);
  if (!Number.isInteger(E) || E < 0) throw new Error(`sampleEpisode: bad E ${E}`);
  const rng = new Rng(deriveSeed(seed, `protoclip.episode.${episodeIndex}`));
  const out = new Int32Array(E);
  for (let i = 0; i < E; i++) out[i] = rng.int(numPairs);
  return out;
}

/** Default number of prototypes for an episode of E pairs: max(2, round(E/10)). */
export function defaultK(E: number): number {
  return Math.max(2, Math.round(E / 10));
}

/** Fisher–Yates permutation of 0 … n−1. */
export function shuffledPositions(n: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
