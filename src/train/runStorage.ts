// Runs in the browser's storage: a Run saved as a checkpoint (its model file in chunks, see
// checkpointStore.ts), loaded back to continue exactly, and model files imported into the
// library after every check of modelFile.ts passed (a refused file stores nothing).
import type { ClipLabDatabase } from '../data/db';
import type { ModelRecord } from '../data/store/checkpointTypes';
import { SafetensorsError, blobSource, type ByteSource } from '../model/files/safetensorsReader';
import type { ModelWeights } from '../model/modelWeights';
import type { ModelSummary } from '../protocol/trainer';
import { CHUNK_BYTES, checkpointSource, getModelCheckpoint, writeCheckpoint, writePlannedFile, type ChunkedWriter } from './checkpointStore';
import { checkModelTensors, fileTensorLoader, isResumeTensor, planModelFile, readModelFileInfo } from './modelFile';
import { lastMetricsOf } from './metricHistory';
import { Run, type RunInit } from './run';
import { runTensorSpecs, sourceArraysOf, type RunMeta, type TensorLoader } from './runSnapshot';
import type { DatasetIdentity, RunDataset } from './runDataset';

/** The library's description of a run now (without the checkpoint pointer and size). */
export function modelSummaryOf(run: Run, kind: ModelSummary['kind']): Omit<ModelRecord, 'checkpointId' | 'bytes'> {
  return {
    id: run.id,
    name: run.name,
    kind,
    createdAt: run.createdAt,
    updatedAt: new Date().toISOString(),
    config: run.config,
    datasetId: run.data.identity.id,
    datasetName: run.data.identity.name,
    step: run.step,
    totalSteps: run.config.steps,
    finished: run.finished,
    resumable: !run.finished,
    paramCount: run.model.paramCount,
    ...lastMetricsOf(run.history),
  };
}

/** Streams the run's model file (header, then every tensor read one at a time) into `writer`. */
export async function writeRunCheckpointBytes(run: Run, writer: ChunkedWriter): Promise<void> {
  const snap = await run.snapshot();
  const plan = planModelFile(snap);
  await writePlannedFile(writer, plan.header, plan.entries, snap.tensors);
}

/** Saves the run as its model's new checkpoint (atomic; the previous one stays on failure). */
export async function saveRun(db: ClipLabDatabase, run: Run, kind: ModelSummary['kind'] = 'run'): Promise<ModelRecord> {
  const { model } = await writeCheckpoint(db, { model: modelSummaryOf(run, kind), step: run.step, write: (w) => writeRunCheckpointBytes(run, w) });
  return model;
}

/** The run state stored with a model, and a reader of its tensors. */
export async function openStoredRun(db: ClipLabDatabase, modelId: string): Promise<{ record: ModelRecord; meta: RunMeta; source: ByteSource }> {
  const { model, checkpoint } = await getModelCheckpoint(db, modelId);
  const source = checkpointSource(db, checkpoint);
  const info = await readModelFileInfo(source, model.name);
  if (!info.run) throw new Error(`${model.name}: the stored checkpoint has no run state`);
  return { record: model, meta: { ...info.run, id: model.id, name: model.name }, source };
}

/**
 * The weights of a stored model, for inference (the Try view, the evaluation suite, the Gap lab):
 * its parameters read from the checkpoint, its config and tokenizer from the run state.
 */
export async function loadStoredWeights(db: ClipLabDatabase, modelId: string): Promise<ModelWeights> {
  const { record, meta, source } = await openStoredRun(db, modelId);
  const info = await readModelFileInfo(source, record.name);
  const load = fileTensorLoader(source, info.header, record.name);
  // Every F32 tensor but the optimizer's and the batch source's (no model is built to list them: a
  // stored CLIP holds 150 M values); the inference model checks that each parameter is there.
  const sourceArrays = new Set(Object.keys(sourceArraysOf(meta)));
  const tensors: ModelWeights['tensors'] = [];
  for (const t of info.header.tensors) {
    if (t.dtype !== 'F32' || isResumeTensor(t.name) || sourceArrays.has(t.name)) continue;
    tensors.push({ name: t.name, shape: t.shape, values: (await load(t.name, 'F32', t.shape)) as Float32Array });
  }
  return {
    id: record.id,
    name: record.name,
    step: meta.step,
    config: meta.config,
    tokenizer: meta.tokenizer ?? null,
    dataset: { id: meta.dataset.id, name: meta.dataset.name },
    tensors,
  };
}

/**
 * Loads a stored model as a Run at its checkpoint. `dataFor` opens the run's dataset (it must
 * still be in storage: a run continues on the same data). A model that cannot continue (finished,
 * or a weights-only file) loads too, for evaluation and inference: its missing optimizer moments
 * are zeros, and `resumable` says it is not to be trained on.
 */
export async function loadStoredRun(
  db: ClipLabDatabase,
  modelId: string,
  dataFor: (d: DatasetIdentity, config: RunMeta['config']) => Promise<RunDataset>,
  hooks: Pick<RunInit, 'onProgress' | 'yieldFn'> = {},
): Promise<{ run: Run; resumable: boolean }> {
  const { record, meta, source } = await openStoredRun(db, modelId);
  const info = await readModelFileInfo(source, record.name);
  const fromFile = fileTensorLoader(source, info.header, record.name);
  const load: TensorLoader = async (name, dtype, shape) => {
    if (!info.header.byName.has(name) && isResumeTensor(name) && !record.resumable) {
      const size = shape.reduce((a, b) => a * b, 1);
      return dtype === 'I32' ? new Int32Array(size) : new Float32Array(size);
    }
    return fromFile(name, dtype, shape);
  };
  const run = await Run.restore(meta, load, await dataFor(meta.dataset, meta.config), hooks);
  return { run, resumable: record.resumable && !run.finished && !run.data.detached };
}

/**
 * Checks a .safetensors file completely (structure, metadata, every tensor against its config,
 * finite values) and only then stores it as a new library entry. Throws SafetensorsError
 * ("<file>: <reason>") for a refused file; nothing is stored then.
 */
export async function importModelFile(db: ClipLabDatabase, file: Blob, fileName: string): Promise<ModelRecord> {
  const src = blobSource(file);
  const info = await readModelFileInfo(src, fileName);
  const meta = info.run;
  if (!meta) throw new SafetensorsError(fileName, 'metadata "run_state" is missing (the run config and tokenizer this app needs)');
  const resumable = info.header.tensors.some((t) => isResumeTensor(t.name));
  const specs = runTensorSpecs(meta.config, meta, resumable);
  await checkModelTensors(src, fileName, info, specs);
  const id = `model-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const finished = meta.step >= meta.config.steps;
  const summary: Omit<ModelRecord, 'checkpointId' | 'bytes'> = {
    id,
    name: meta.name,
    kind: 'imported',
    createdAt: meta.createdAt,
    updatedAt: new Date().toISOString(),
    config: meta.config,
    datasetId: meta.dataset.id,
    datasetName: meta.dataset.name,
    step: meta.step,
    totalSteps: meta.config.steps,
    finished,
    resumable: resumable && !finished,
    paramCount: specs.filter((t) => t.role === 'param').reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0),
    ...lastMetricsOf(meta.history),
  };
  const { model } = await writeCheckpoint(db, {
    model: summary,
    step: meta.step,
    write: async (w) => {
      for (let pos = 0; pos < src.size; pos += CHUNK_BYTES) await w.write(await src.read(pos, Math.min(src.size, pos + CHUNK_BYTES)));
    },
  });
  return model;
}
