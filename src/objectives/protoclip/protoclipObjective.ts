// ProtoCLIP objective (methods.md §5). Owns the two projection heads ('proto.img_head.*',
// 'proto.txt_head.*') and the prototype logit scale t_p ('proto.logit_scale', s_p = exp t_p,
// init ln(1/0.07), clamped to [0, ln 100] after each step). The episode's prototypes are set from
// outside between steps (setEpisode); batches carry each pair's position within the episode.
//   warm-up (no prototypes): L = L_CLIP; both heads still run in TRAINING mode so their BatchNorm
//     running statistics track the embeddings before the first (eval-mode) feature pass.
//   with prototypes: L = L_CLIP + ½(L_I→T + L_T→I) [+ ½(L_I→E + L_T→E) with the teacher].
// Components (weighted as they enter L): clip, protoI2T = ½L_I→T, protoT2I = ½L_T→I (+ protoI2E,
// protoT2E = ½L_I→E, ½L_T→E with the teacher); zero in the warm-up.
// Extra scalars: protoAcc (share of batch pairs whose image's argmax prototype is its paired text's
// cluster; 0 during warm-up) and protoScale (s_p).
import * as tf from '@tensorflow/tfjs';
import type { ClipModel } from '../../model/clipModel';
import { clipLoss } from '../clipLoss';
import type { ObjectiveConfig } from '../../config/types';
import type { BatchSource, BatchSourceContext, Objective, ObjectiveInputs, ObjectiveOutput } from '../objective';
import { ProtoclipEpisodes } from './episodes';
import { ProtoHeads } from './heads';
import { protoBatchLosses, type EpisodePrototypes } from './prototypes';

export const PROTO_LOGIT_SCALE_PARAM = 'proto.logit_scale';
export const PROTO_INIT_LOGIT_SCALE = Math.log(1 / 0.07);
export const PROTO_MAX_LOGIT_SCALE = Math.log(100);

export interface ProtoclipObjectiveOptions {
  headHidden: number;
  headOut: number;
  teacher: boolean;
  /** The whole ProtoCLIP config, for the episodic batch source (createBatchSource). */
  episodes?: Extract<ObjectiveConfig, { kind: 'protoclip' }>;
}

export class ProtoclipObjective implements Objective {
  readonly kind = 'protoclip';
  readonly componentNames: readonly string[];
  readonly heads: ProtoHeads;
  readonly logitScaleP: tf.Variable;
  private protos: EpisodePrototypes | null = null;
  private acc: tf.Scalar;
  private scale: tf.Scalar;

  constructor(
    model: ClipModel,
    readonly opts: ProtoclipObjectiveOptions,
  ) {
    const { headHidden: H, headOut: P } = opts;
    for (const [name, x] of [['head hidden', H], ['head output', P]] as const) {
      if (!Number.isInteger(x) || x < 1) throw new Error(`ProtoCLIP ${name} must be an integer ≥ 1, got ${x}`);
    }
    this.heads = new ProtoHeads(model.params, model.config.embedDim, H, P);
    this.logitScaleP = model.params.add(PROTO_LOGIT_SCALE_PARAM, [], { kind: 'constant', value: PROTO_INIT_LOGIT_SCALE }, false);
    this.componentNames = opts.teacher ? ['clip', 'protoI2T', 'protoT2I', 'protoI2E', 'protoT2E'] : ['clip', 'protoI2T', 'protoT2I'];
    this.acc = tf.keep(tf.scalar(0));
    this.scale = tf.keep(tf.exp(this.logitScaleP) as tf.Scalar);
  }

  /** Current episode's prototypes (null: warm-up). The objective does not dispose them. */
  get episode(): EpisodePrototypes | null {
    return this.protos;
  }

  /** Sets (or clears) the prototypes used by the following steps. The caller owns and disposes them. */
  setEpisode(protos: EpisodePrototypes | null): void {
    if (protos && this.opts.teacher && !protos.external) throw new Error('ProtoCLIP: teacher enabled but the episode has no teacher prototypes');
    this.protos = protos;
  }

  readonly extraScalars = (): Record<string, tf.Scalar> => ({ protoAcc: this.acc, protoScale: this.scale });

  /** The episodic loop (episodes.ts) is ProtoCLIP's batch source. */
  createBatchSource(ctx: BatchSourceContext): BatchSource {
    const config = this.opts.episodes;
    if (!config) throw new Error('ProtoCLIP: the objective was built without its episode settings');
    return new ProtoclipEpisodes({
      model: ctx.model,
      objective: this,
      config,
      source: ctx.pairs,
      tokenizer: ctx.tokenizer,
      contextLength: ctx.contextLength,
      batchSize: ctx.batchSize,
      seed: ctx.seed,
      onProgress: ctx.onProgress && ((p) => ctx.onProgress!({ done: p.done, total: p.total, message: p.message })),
      yieldFn: ctx.yieldFn,
    });
  }

  /** BatchNorm running statistics of both heads. */
  stateTensors(): Record<string, tf.Variable> {
    return this.heads.runningStats();
  }

  compute({ uRaw, vRaw, u, v, logitScale, episodePositions }: ObjectiveInputs): ObjectiveOutput {
    const clip = clipLoss(u, v, logitScale);
    // Training-mode heads every step (BatchNorm running statistics stay current).
    const hI = this.heads.image(uRaw, true);
    const hT = this.heads.text(vRaw, true);
    const protos = this.protos;
    const components: Record<string, tf.Scalar> = { clip };
    let loss: tf.Scalar = clip;
    let acc: tf.Scalar;
    if (protos) {
      if (!episodePositions || episodePositions.length !== uRaw.shape[0]) {
        throw new Error('ProtoCLIP: the batch carries no episode positions (or the wrong number)');
      }
      const r = protoBatchLosses(hI, hT, episodePositions, protos, this.logitScaleP as tf.Scalar);
      // Components are weighted as they enter the loss: ½·L each.
      const half = (x: tf.Scalar) => tf.mul(x, 0.5) as tf.Scalar;
      components.protoI2T = half(r.imageToText);
      components.protoT2I = half(r.textToImage);
      if (this.opts.teacher) {
        components.protoI2E = half(r.imageToExternal!);
        components.protoT2E = half(r.textToExternal!);
      }
      loss = tf.add(clip, r.total) as tf.Scalar;
      acc = tf.tidy(() => {
        const pred = tf.argMax(tf.matMul(hI, protos.imageTargets, false, true), 1);
        const target = tf.tensor1d(Int32Array.from(episodePositions, (p) => protos.aT[p]), 'int32');
        return tf.mean(tf.cast(tf.equal(pred, target), 'float32')) as tf.Scalar;
      });
    } else {
      // Warm-up: the heads ran above only for their BatchNorm running statistics.
      for (const name of this.componentNames) if (name !== 'clip') components[name] = tf.scalar(0);
      acc = tf.scalar(0);
    }
    this.acc.dispose();
    this.acc = tf.keep(tf.clone(acc));
    return { loss, components };
  }

  afterStep(): void {
    tf.tidy(() => this.logitScaleP.assign(tf.clipByValue(this.logitScaleP, 0, PROTO_MAX_LOGIT_SCALE)));
    this.scale.dispose();
    this.scale = tf.keep(tf.tidy(() => tf.exp(this.logitScaleP) as tf.Scalar));
  }

  dispose(): void {
    this.heads.dispose();
    this.acc.dispose();
    this.scale.dispose();
    this.protos = null;
  }
}
