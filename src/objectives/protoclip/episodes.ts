// ProtoCLIP's episodic loop (methods.md §5 "Episodic training"), independent of IndexedDB and
// the worker: pairs come from an EpisodePairSource, so the unit tests run it in Node on a tiny
// in-memory dataset and the trainer session feeds it the stored training split.
//
// Each episode k (1-based):
//   'sampling'     E pair indices = sampleEpisode(numPairs, E, seed, k) (with replacement); the
//                  source reads them (raw RGB bytes + one caption per pair, chosen with a seeded
//                  draw) and they stay in memory for the episode (E·S·S·3 bytes).
//   'feature pass' (k ≥ 2) no-gradient forward in fixed-size chunks of the batch size (the last
//                  chunk padded by repetition, padding dropped): raw embeddings → heads in EVAL mode
//                  → h^I, h^T [E, P].
//   'clustering'   (k ≥ 2) buildEpisodePrototypes: k-means on h^I and h^T (K = clusters || E/10),
//                  PBT, optional TF-IDF + PCA-64 teacher (fitted once per run on the train captions,
//                  its caption features clustered each episode). h^I, h^T are then released.
//   'training'     floor(E / B) batches over the episode's pairs in a seeded shuffled order (the last
//                  partial batch is dropped), each carrying its pairs' episode positions.
// Episode 1 is the L_CLIP-only warm-up: no feature pass, no clustering (the objective still runs
// the heads in training mode so their BatchNorm statistics are current for episode 2's pass).
// The previous episode's prototypes are disposed when the next episode's are set, so the tensor
// count at the same point of consecutive episodes (k ≥ 2) is constant.
//
// Resuming (the BatchSource contract): a snapshot is {episode, cursor} plus the episode's
// prototypes as arrays. The episode's pairs and training order are pure functions of (seed,
// episode) and are re-read; the prototypes came from a feature pass with the parameters of the
// episode's start, so they are saved. The TF-IDF teacher is refitted (seeded, deterministic) when
// the next episode needs it.
//
// An episode's pairs (the source contract, the shard read) are in episodePairs.ts, the sampling
// and training order in episode.ts, the feature pass in featurePass.ts.
import { objectiveProblems } from '../../config/validate';
import * as tf from '@tensorflow/tfjs';
import type { CaptionEncoder, LabelledBatch } from '../../data/store/shardReader';
import type { ClipModel } from '../../model/clipModel';
import type { ObjectiveConfig } from '../../config/types';
import { deriveSeed } from '../../util/prng';
import type { BatchSource, BatchSourceSnapshot } from '../objective';
import { defaultK, sampleEpisode, shuffledPositions } from './episode';
import { normaliseBytesInto, type EpisodeData, type EpisodePairSource } from './episodePairs';
import { featurePass } from './featurePass';
import type { ProtoclipObjective } from './protoclipObjective';
import { buildEpisodePrototypes, prototypesFromArrays, prototypesToArrays, type EpisodePrototypes, type PrototypesMeta } from './prototypes';
import { fitTfidfPcaTeacher, type TfidfPcaTeacher } from './teacher';

export type ProtoclipConfig = Extract<ObjectiveConfig, { kind: 'protoclip' }>;

export interface EpisodeBatch extends LabelledBatch {
  episodePositions: Int32Array;
}

export type EpisodeSubPhase = 'sampling' | 'feature pass' | 'clustering' | 'training';

export interface EpisodeProgress {
  episode: number;
  sub: EpisodeSubPhase;
  done: number;
  total: number;
  message: string;
}

export interface EpisodeRunnerOptions {
  model: ClipModel;
  objective: ProtoclipObjective;
  config: ProtoclipConfig;
  source: EpisodePairSource;
  tokenizer: CaptionEncoder;
  contextLength: number;
  batchSize: number;
  seed: number;
  onProgress?: (p: EpisodeProgress) => void;
  /** Lets queued messages in (pause / stop / status); default a macrotask. */
  yieldFn?: () => Promise<void>;
}

export interface EpisodeTiming {
  episode: number;
  readMs: number;
  featureMs: number;
  clusterMs: number;
  K: number;
}

const macrotask = () => new Promise<void>((r) => setTimeout(r, 0));

/** ProtoclipEpisodes' resumable position (see the file comment). */
export interface EpisodesState {
  episode: number;
  cursor: number;
  /** Scalars of the current episode's prototypes; null in the warm-up or before the first episode. */
  prototypes: PrototypesMeta | null;
}

const PROTO_PREFIX = 'protoclip.episode.';

export class ProtoclipEpisodes implements BatchSource {
  /** Episodes started so far (the current episode's 1-based index). */
  episode = 0;
  readonly stepsPerEpisode: number;
  readonly K: number;
  readonly timings: EpisodeTiming[] = [];
  private data: EpisodeData | null = null;
  private order: Int32Array = new Int32Array(0);
  private cursor = 0;
  private protos: EpisodePrototypes | null = null;
  private teacher: TfidfPcaTeacher | null = null;
  private readonly yieldFn: () => Promise<void>;

  constructor(private readonly opts: EpisodeRunnerOptions) {
    const problems = objectiveProblems(opts.config, { batchSize: opts.batchSize });
    if (problems.length) throw new Error(problems.join('; '));
    this.stepsPerEpisode = Math.floor(opts.config.episodeSize / opts.batchSize);
    this.K = opts.config.clusters || defaultK(opts.config.episodeSize);
    this.yieldFn = opts.yieldFn ?? macrotask;
  }

  /** The current episode's prototypes (null during the warm-up). */
  get prototypes(): EpisodePrototypes | null {
    return this.protos;
  }

  private progress(sub: EpisodeSubPhase, done: number, total: number, detail = ''): void {
    const message = `Episode ${this.episode} · ${sub}${detail ? ` · ${detail}` : ''}`;
    this.opts.onProgress?.({ episode: this.episode, sub, done, total, message });
  }

  /** True when the next nextBatch() starts a new episode (sampling, feature pass, clustering). */
  get needsEpisode(): boolean {
    return !this.data || this.cursor + this.opts.batchSize > this.order.length;
  }

  get preparesNext(): boolean {
    return this.needsEpisode;
  }

  async snapshot(): Promise<BatchSourceSnapshot> {
    const saved = this.protos ? await prototypesToArrays(this.protos, PROTO_PREFIX) : null;
    const state: EpisodesState = { episode: this.episode, cursor: this.cursor, prototypes: saved?.meta ?? null };
    return { state, arrays: saved?.arrays ?? {} };
  }

  async restore(snapshot: BatchSourceSnapshot): Promise<void> {
    const st = snapshot.state as EpisodesState;
    if (!st || !Number.isInteger(st.episode) || st.episode < 0 || !Number.isInteger(st.cursor) || st.cursor < 0) {
      throw new Error('ProtoCLIP checkpoint: unreadable episode state');
    }
    if (st.episode >= 2 && !st.prototypes) throw new Error(`ProtoCLIP checkpoint: episode ${st.episode} has no prototypes`);
    this.dispose();
    this.episode = st.episode;
    this.cursor = st.cursor;
    this.data = null;
    this.order = new Int32Array(0);
    if (st.episode === 0) return;
    const { config, source, seed, objective } = this.opts;
    const E = config.episodeSize;
    this.order = shuffledPositions(E, deriveSeed(seed, `protoclip.order.${st.episode}`));
    if (this.cursor + this.opts.batchSize > this.order.length) return; // the next batch starts a new episode anyway
    this.data = await source.read(sampleEpisode(source.numPairs, E, seed, st.episode), deriveSeed(seed, `protoclip.captions.${st.episode}`));
    const protos = st.prototypes ? prototypesFromArrays(st.prototypes, snapshot.arrays, PROTO_PREFIX) : null;
    objective.setEpisode(protos);
    this.protos = protos;
  }

  /** The next training batch; prepares a new episode when the current one is used up. */
  async nextBatch(): Promise<EpisodeBatch> {
    if (this.needsEpisode) await this.startEpisode();
    const { batchSize: B, source, tokenizer, contextLength } = this.opts;
    const data = this.data!;
    const S = source.imageSize;
    const px = S * S * 3;
    const positions = this.order.slice(this.cursor, this.cursor + B);
    this.cursor += B;
    const images = new Float32Array(B * px);
    const captions: string[] = [];
    const labels = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const p = positions[b];
      normaliseBytesInto(data.images, p * px, px, images, b * px);
      captions.push(data.captions[p]);
      labels[b] = data.labels[p];
    }
    const { tokens, eot } = tokenizer.encodeBatch(captions, contextLength);
    return { size: B, imageSize: S, images, contextLength, tokens, eot, captions, labels, episodePositions: positions };
  }

  /** Prepares the next episode: sampling, (feature pass, clustering), a new training order. */
  async startEpisode(): Promise<void> {
    const { config, source, seed, objective } = this.opts;
    this.episode++;
    const k = this.episode;
    const E = config.episodeSize;
    const timing: EpisodeTiming = { episode: k, readMs: 0, featureMs: 0, clusterMs: 0, K: this.K };

    this.progress('sampling', 0, 1, `${E} pairs · ${tf.memory().numTensors} tensors`);
    let t0 = performance.now();
    const idx = sampleEpisode(source.numPairs, E, seed, k);
    this.data = null; // release the previous episode's pairs before reading the next
    const data = await source.read(idx, deriveSeed(seed, `protoclip.captions.${k}`));
    timing.readMs = performance.now() - t0;
    this.progress('sampling', 1, 1, `${E} pairs read in ${timing.readMs.toFixed(0)} ms`);
    await this.yieldFn();

    let protos: EpisodePrototypes | null = null;
    if (k >= 2) {
      t0 = performance.now();
      const { hI, hT } = await featurePass(data, this.opts, (done, total, detail) => this.progress('feature pass', done, total, detail), () => this.yieldFn());
      timing.featureMs = performance.now() - t0;
      try {
        t0 = performance.now();
        this.progress('clustering', 0, 1, `K = ${this.K}${config.teacher ? ' + teacher' : ''}`);
        await this.yieldFn();
        let teacherFeatures: tf.Tensor2D | null = null;
        if (config.teacher) {
          if (!this.teacher) {
            const captions = await source.allCaptions();
            this.teacher = fitTfidfPcaTeacher(captions, 64, deriveSeed(seed, 'protoclip.teacher'));
            await this.yieldFn();
          }
          const f = this.teacher.embed(data.captions);
          teacherFeatures = tf.tensor2d(f, [E, this.teacher.dims], 'float32');
        }
        try {
          protos = await buildEpisodePrototypes(hI, hT, {
            K: this.K,
            seed,
            episodeIndex: k,
            pbt: config.pbt,
            teacher: teacherFeatures,
            iterations: config.kmeansIterations,
            restarts: config.kmeansRestarts,
          });
        } finally {
          teacherFeatures?.dispose();
        }
        timing.clusterMs = performance.now() - t0;
        this.progress(
          'clustering',
          1,
          1,
          `K = ${this.K} in ${timing.clusterMs.toFixed(0)} ms (empty: ${protos.emptyI} image, ${protos.emptyT} text)`,
        );
        await this.yieldFn();
      } finally {
        hI.dispose();
        hT.dispose();
      }
    }
    // Swap in the new prototypes, release the old ones.
    objective.setEpisode(protos);
    this.protos?.dispose();
    this.protos = protos;
    this.data = data;
    this.order = shuffledPositions(E, deriveSeed(seed, `protoclip.order.${k}`));
    this.cursor = 0;
    this.timings.push(timing);
    this.progress('training', 0, this.stepsPerEpisode, `${this.stepsPerEpisode} steps${k === 1 ? ' (warm-up: CLIP loss only)' : ''}`);
  }


  dispose(): void {
    this.opts.objective.setEpisode(null);
    this.teacher = null;
    this.protos?.dispose();
    this.protos = null;
    this.data = null;
  }
}
