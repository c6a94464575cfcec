// A run's snapshot (run.ts): the JSON meta and the named tensors of its checkpoint, in the order a
// checkpoint holds them: the model's parameters (their registry names), the objective's state
// tensors, AdamW's first and second moments (optim.m.<name>, optim.v.<name>), then the batch
// source's arrays. runTensorSpecs lists them for a config without a live run (an imported model
// file is checked against that list); Run.snapshot() and Run.restore() write and read them.
import type * as tf from '@tensorflow/tfjs';
import { ClipModel } from '../model/clipModel';
import type { Objective } from '../objectives/objective';
import { createObjective } from '../objectives/createObjective';
import type { TrainConfig } from '../config/types';
import type { BpeTokenizerJSON } from '../tokenizer/bpe';
import type { ClipTokenizerJSON } from '../tokenizer/clipTokenizer';
import type { MetricHistoryJSON } from './metricHistory';
import type { DatasetIdentity } from './runDataset';

export const RUN_FORMAT = 'clip-lab.run/1';

/** Tensor name prefixes in a snapshot (see the README's table). */
export const OPTIM_M_PREFIX = 'optim.m.';
export const OPTIM_V_PREFIX = 'optim.v.';

/** Everything but the tensors, JSON-serialisable. */
export interface RunMeta {
  format: typeof RUN_FORMAT;
  id: string;
  name: string;
  createdAt: string;
  /** The resolved config (vocabulary and image size set from the dataset). */
  config: TrainConfig;
  /** The app's caption BPE (runs trained here) or CLIP's (a model read from a CLIP checkpoint). */
  tokenizer: BpeTokenizerJSON | ClipTokenizerJSON;
  dataset: DatasetIdentity;
  /** Updates applied (AdamW's step count). */
  step: number;
  /** The batch source's position (its arrays are tensors of the snapshot). */
  source: unknown;
  history: MetricHistoryJSON;
}

/** One tensor of a snapshot; `read` copies its values out of the backend when called. */
export interface SnapshotTensor {
  name: string;
  dtype: 'F32' | 'I32';
  shape: number[];
  read(): Promise<Float32Array | Int32Array>;
}

export interface RunSnapshot {
  meta: RunMeta;
  tensors: SnapshotTensor[];
}

/** Gives a restore the values of a named tensor (from storage, a file, or memory). */
export type TensorLoader = (name: string, dtype: 'F32' | 'I32', shape: number[]) => Promise<Float32Array | Int32Array>;

/**
 * The tensors a run of `config` holds, without building a run (a model is built and disposed):
 * parameters and objective state, plus AdamW's moments and the batch source's arrays when
 * `resumable` (their shapes from the run meta).
 */
export interface TensorSpecOfRun {
  name: string;
  dtype: 'F32' | 'I32';
  shape: number[];
  /** A trainable parameter, the objective's state, an AdamW moment, or the batch source's array. */
  role: 'param' | 'state' | 'optim' | 'source';
}

export function runTensorSpecs(config: TrainConfig, meta: RunMeta | null, resumable: boolean): TensorSpecOfRun[] {
  const model = new ClipModel(config.model, config.seed);
  try {
    const objective = createObjective(config.objective, model);
    try {
      const out: TensorSpecOfRun[] = variableTensors(model, objective, null, resumable).map(({ variable: _v, ...spec }) => spec);
      if (resumable) for (const [name, a] of Object.entries(sourceArraysOf(meta))) out.push({ name, dtype: a.dtype, shape: [...a.shape], role: 'source' });
      return out;
    } finally {
      objective.dispose?.();
    }
  } finally {
    model.dispose();
  }
}

/**
 * The variables of a run in checkpoint order: the registry's parameters (their own names), the
 * objective's state tensors, then (withOptim) AdamW's first and second moments per parameter.
 * Without `slots` the moments are names and shapes only (variable null).
 */
export function variableTensors(
  model: ClipModel,
  objective: Objective,
  slots: { m: tf.Variable[]; v: tf.Variable[] } | null,
  withOptim: boolean,
): (TensorSpecOfRun & { variable: tf.Variable | null })[] {
  const params = model.params.params;
  const out: (TensorSpecOfRun & { variable: tf.Variable | null })[] = params.map((p) => ({ name: p.name, dtype: 'F32', shape: [...p.shape], role: 'param', variable: p.variable }));
  for (const [name, v] of Object.entries(objective.stateTensors?.() ?? {})) out.push({ name, dtype: 'F32', shape: [...v.shape], role: 'state', variable: v });
  if (withOptim) {
    params.forEach((p, i) => out.push({ name: OPTIM_M_PREFIX + p.name, dtype: 'F32', shape: [...p.shape], role: 'optim', variable: slots?.m[i] ?? null }));
    params.forEach((p, i) => out.push({ name: OPTIM_V_PREFIX + p.name, dtype: 'F32', shape: [...p.shape], role: 'optim', variable: slots?.v[i] ?? null }));
  }
  return out;
}

/** The batch source's arrays (names, dtypes, shapes) recorded in a snapshot's meta. */
export function sourceArraysOf(meta: RunMeta | null): Record<string, { dtype: 'F32' | 'I32'; shape: number[] }> {
  return (meta?.source as { arrays?: Record<string, { dtype: 'F32' | 'I32'; shape: number[] }> } | undefined)?.arrays ?? {};
}
