// The model file: a run's state as one .safetensors file (the format of checkpoints in storage
// and of exported models). Tensors, little-endian F32 (I32 for ProtoCLIP's cluster assignments):
//   <parameter name>                 every parameter of the registry (towers, logit_scale, the
//                                    objective's own: siglip.bias, proto.*), see the README table
//   proto.{img,txt}_head.bn.running_{mean,var}   ProtoCLIP's BatchNorm statistics
//   optim.m.<name>, optim.v.<name>   AdamW's moments (checkpoints that can resume)
//   protoclip.episode.*              the current ProtoCLIP episode's prototypes (mid-episode resume)
// __metadata__ (every value a JSON string): format, model_config, tokenizer (vocabulary and
// merges), preprocessing, objective, training (a summary), and run_state (the run's position,
// config and metric history; only in files that can resume).
import type { ModelConfig } from '../model/config';
import { validateModelConfig } from '../model/config';
import { IMAGE_MEAN, IMAGE_STD } from '../data/batch';
import type { ObjectiveConfig } from '../config/types';
import { decodeTensor } from '../model/files/safetensorsCodec';
import { SafetensorsError, readSafetensorsHeader, readTensorBytes, type ByteSource, type SafetensorsHeader } from '../model/files/safetensorsReader';
import { planSafetensors, type TensorSpec } from '../model/files/safetensorsWriter';
import { lastMetricsOf } from './metricHistory';
import { OPTIM_M_PREFIX, OPTIM_V_PREFIX, RUN_FORMAT, type RunMeta, type RunSnapshot, type TensorLoader } from './runSnapshot';

export const MODEL_FILE_FORMAT = 'clip-lab.model/1';

export interface Preprocessing {
  imageSize: number;
  layout: 'NHWC';
  /** x ∈ [0, 1] per channel, then (x − mean) / std. */
  mean: number[];
  std: number[];
  /** How an image of another size reaches imageSize. */
  resize: 'centre crop, then bilinear';
}

export interface TrainingSummary {
  step: number;
  totalSteps: number;
  dataset: RunMeta['dataset'];
  seed: number;
  batchSize: number;
  lastLoss: number | null;
  lastEval: RunMeta['history']['evals'][number] | null;
  savedAt: string;
}

/** Everything a model file's metadata says, parsed. */
export interface ModelFileInfo {
  header: SafetensorsHeader;
  modelConfig: ModelConfig;
  objective: ObjectiveConfig;
  training: TrainingSummary;
  /** Present when the file carries optimizer state and the run's position. */
  run: RunMeta | null;
}

/** The model's preprocessing: its own mean/std (an imported CLIP's) or the app's. */
export function preprocessingOf(model: Pick<ModelConfig, 'image' | 'imageMean' | 'imageStd'>): Preprocessing {
  return { imageSize: model.image.imageSize, layout: 'NHWC', mean: [...(model.imageMean ?? IMAGE_MEAN)], std: [...(model.imageStd ?? IMAGE_STD)], resize: 'centre crop, then bilinear' };
}

/** The metadata and tensor layout of a snapshot's file. */
export function planModelFile(snap: RunSnapshot, savedAt = new Date().toISOString()): ReturnType<typeof planSafetensors> {
  const { meta } = snap;
  const training: TrainingSummary = {
    step: meta.step,
    totalSteps: meta.config.steps,
    dataset: meta.dataset,
    seed: meta.config.seed,
    batchSize: meta.config.batchSize,
    lastLoss: lastMetricsOf(meta.history).lastLoss,
    lastEval: meta.history.evals.at(-1) ?? null,
    savedAt,
  };
  const metadata: Record<string, string> = {
    format: MODEL_FILE_FORMAT,
    model_config: JSON.stringify(meta.config.model),
    tokenizer: JSON.stringify(meta.tokenizer),
    preprocessing: JSON.stringify(preprocessingOf(meta.config.model)),
    objective: JSON.stringify(meta.config.objective),
    training: JSON.stringify(training),
    run_state: JSON.stringify(meta),
  };
  const specs: TensorSpec[] = snap.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape }));
  return planSafetensors(specs, metadata);
}

/** A refusal naming the file and the problem. */
const refuse = (fileName: string, reason: string): never => {
  throw new SafetensorsError(fileName, reason);
};

function parseJsonField<T>(fileName: string, metadata: Record<string, string>, key: string): T {
  const text = metadata[key];
  if (text === undefined) refuse(fileName, `metadata "${key}" is missing (not a CLIP Lab model file?)`);
  try {
    return JSON.parse(text!) as T;
  } catch {
    return refuse(fileName, `metadata "${key}" is not readable JSON`);
  }
}

/**
 * Reads and checks a model file's header and metadata (no tensor data yet): the safetensors
 * structure (readSafetensorsHeader), then the metadata this app needs.
 */
export async function readModelFileInfo(src: ByteSource, fileName: string): Promise<ModelFileInfo> {
  const header = await readSafetensorsHeader(src, fileName);
  const md = header.metadata;
  if (!md) return refuse(fileName, 'metadata is missing (the file has no __metadata__; not a CLIP Lab model file)');
  if (md.format !== MODEL_FILE_FORMAT) refuse(fileName, `metadata "format" is ${JSON.stringify(md.format ?? null)}, expected "${MODEL_FILE_FORMAT}"`);
  const modelConfig = parseJsonField<ModelConfig>(fileName, md, 'model_config');
  if (!modelConfig || typeof modelConfig !== 'object' || !modelConfig.image || !modelConfig.text) {
    refuse(fileName, 'metadata "model_config" is not a model config (it needs image and text settings)');
  }
  try {
    validateModelConfig(modelConfig);
  } catch (e) {
    refuse(fileName, `metadata "model_config" is not a valid model: ${e instanceof Error ? e.message : String(e)}`);
  }
  parseJsonField<unknown>(fileName, md, 'tokenizer');
  parseJsonField<Preprocessing>(fileName, md, 'preprocessing');
  const objective = parseJsonField<ObjectiveConfig>(fileName, md, 'objective');
  if (!objective || typeof objective.kind !== 'string') refuse(fileName, 'metadata "objective" has no kind');
  const training = parseJsonField<TrainingSummary>(fileName, md, 'training');
  let run: RunMeta | null = null;
  if (md.run_state !== undefined) {
    run = parseJsonField<RunMeta>(fileName, md, 'run_state');
    if (!run || run.format !== RUN_FORMAT) refuse(fileName, `metadata "run_state" is not a ${RUN_FORMAT} state`);
    if (JSON.stringify(run!.config?.model) !== JSON.stringify(modelConfig)) refuse(fileName, 'metadata "model_config" and "run_state" disagree on the model');
  }
  return { header, modelConfig, objective, training, run };
}

/**
 * Checks the file's tensors against the tensors a run of its config holds (`expected`, from a
 * model built with that config): none missing, none extra, same shapes and dtypes, every value
 * finite. Optimizer moments and episode arrays are required only when the file says it can resume.
 */
export async function checkModelTensors(
  src: ByteSource,
  fileName: string,
  info: ModelFileInfo,
  expected: readonly { name: string; dtype: 'F32' | 'I32'; shape: number[] }[],
): Promise<void> {
  const want = new Map(expected.map((t) => [t.name, t]));
  for (const t of info.header.tensors) {
    const w = want.get(t.name);
    if (!w) refuse(fileName, `tensor "${t.name}" does not belong to a ${info.objective.kind} model of this config`);
    if (t.dtype !== w!.dtype) refuse(fileName, `tensor "${t.name}" is ${t.dtype}, expected ${w!.dtype}`);
    if (t.shape.length !== w!.shape.length || t.shape.some((d, i) => d !== w!.shape[i])) {
      refuse(fileName, `tensor "${t.name}" has shape [${t.shape.join(', ')}], the config needs [${w!.shape.join(', ')}]`);
    }
  }
  for (const w of expected) if (!info.header.byName.has(w.name)) refuse(fileName, `tensor "${w.name}" is missing`);
  for (const t of info.header.tensors) {
    if (t.dtype !== 'F32') continue;
    const values = decodeTensor('F32', await readTensorBytes(src, info.header, t)) as Float32Array;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) refuse(fileName, `tensor "${t.name}" has a non-finite value (${values[i]}) at index ${i}`);
    }
  }
}

/** The tensor names a snapshot would hold that only resumable files carry. */
export function isResumeTensor(name: string): boolean {
  return name.startsWith(OPTIM_M_PREFIX) || name.startsWith(OPTIM_V_PREFIX) || name.startsWith('protoclip.episode.');
}

/** A TensorLoader over a model file (values copied out one tensor at a time). */
export function fileTensorLoader(src: ByteSource, header: SafetensorsHeader, fileName: string): TensorLoader {
  return async (name, dtype, shape) => {
    const e = header.byName.get(name);
    if (!e) return refuse(fileName, `tensor "${name}" is missing`);
    if (e.dtype !== dtype) refuse(fileName, `tensor "${name}" is ${e.dtype}, expected ${dtype}`);
    if (e.shape.length !== shape.length || e.shape.some((d, i) => d !== shape[i])) {
      refuse(fileName, `tensor "${name}" has shape [${e.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    return decodeTensor(dtype, await readTensorBytes(src, header, e)) as Float32Array | Int32Array;
  };
}
