// The trainer worker's measuring commands (npm run bench), kept out of the session's state
// machine: the data pipeline alone, the loss kernels, one step's memory profile, and checkpoint
// write / read times. Each takes the run it measures (if any) and posts its own report.
import type { ClipLabDatabase } from '../data/db';
import type { BackendName } from '../config/types';
import type { Command, Report } from '../protocol/trainer';
import { checkpointSource, deleteModelRecord, writeCheckpoint } from '../train/checkpointStore';
import { fileTensorLoader, readModelFileInfo } from '../train/modelFile';
import type { Run } from '../train/run';
import { trainReader } from '../train/runDataset';
import { fusedLossActive } from '../kernels/fusedLoss';
import { runLossBenchmark } from './lossBenchmark';
import { profileTrainingStep } from './stepProfile';
import { yieldToEventLoop } from './yieldToEventLoop';
import { modelSummaryOf, writeRunCheckpointBytes } from '../train/runStorage';

type Post = (r: Report) => void;

/** Times `batches` batches of the run's data pipeline (IndexedDB reads, batching, augmentation, tokenising). */
export async function benchmarkReader(requestId: string, run: Run, batches: number, post: Post): Promise<void> {
  const reader = trainReader(run.data, run.readerSettings);
  await reader.nextBatch(); // first shard load
  const t0 = performance.now();
  for (let i = 0; i < batches; i++) await reader.nextBatch();
  const ms = performance.now() - t0;
  const B = run.config.batchSize;
  post({ type: 'readerBench', requestId, batches, batchSize: B, msPerBatch: ms / batches, batchesPerSec: (1000 * batches) / ms, pairsPerSec: (1000 * batches * B) / ms });
}

/** Loss forward + backward, fused vs op-composed (lossBenchmark.ts). */
export async function benchmarkLoss(req: Extract<Command, { type: 'benchmarkLoss' }>, post: Post): Promise<void> {
  await runLossBenchmark(req, { post, yieldFn: yieldToEventLoop });
}

/** tf.profile of one training step of the run (trains that step on a reader batch; see stepProfile.ts). */
export async function profileStep(requestId: string, run: Run | null, backend: BackendName, post: Post): Promise<void> {
  const base = {
    type: 'stepProfile' as const,
    requestId,
    backend,
    preset: run?.config.preset ?? 'tiny',
    batchSize: run?.config.batchSize ?? 0,
    fusedLoss: fusedLossActive(),
  };
  const empty = { baselineBytes: 0, baselineTensors: 0, peakBytes: 0, transientPeakBytes: 0, newBytes: 0, newTensors: 0, kernels: 0, topKernels: [], wallMs: 0 };
  if (!run) return post({ ...base, ...empty, error: 'Configure a run first' });
  if (run.objective.createBatchSource) return post({ ...base, ...empty, error: `Step profiling does not support ${run.objective.kind}'s own batch source` });
  try {
    const batch = await trainReader(run.data, run.readerSettings).nextBatch();
    post({ ...base, ...(await profileTrainingStep(run.trainer, batch, run.nextLr())) });
  } catch (e) {
    post({ ...base, ...empty, error: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * Checkpoint write and read of the run's current state, `repeats` times, under a scratch model id
 * (deleted afterwards): write = snapshot + stream + verify + switch; read = header + every tensor.
 */
export async function benchmarkCheckpoint(db: ClipLabDatabase, run: Run, requestId: string, repeats: number, post: Post): Promise<void> {
  const scratch = `bench-${requestId}`;
  let writeMs = 0;
  let readMs = 0;
  let bytes = 0;
  try {
    for (let r = 0; r < repeats; r++) {
      let t0 = performance.now();
      const { checkpoint } = await writeCheckpoint(db, {
        model: { ...modelSummaryOf(run, 'run'), id: scratch, name: `bench ${run.config.preset}` },
        step: run.step,
        write: (w) => writeRunCheckpointBytes(run, w),
      });
      writeMs += performance.now() - t0;
      bytes = checkpoint.bytes;
      t0 = performance.now();
      const src = checkpointSource(db, checkpoint);
      const info = await readModelFileInfo(src, 'checkpoint');
      const load = fileTensorLoader(src, info.header, 'checkpoint');
      for (const t of info.header.tensors) await load(t.name, t.dtype as 'F32' | 'I32', t.shape);
      readMs += performance.now() - t0;
    }
    post({ type: 'checkpointBench', requestId, row: { preset: run.config.preset, paramCount: run.model.paramCount, bytes, writeMs: writeMs / repeats, readMs: readMs / repeats, repeats } });
  } catch (e) {
    post({ type: 'checkpointBench', requestId, row: null, error: e instanceof Error ? e.message : String(e) });
  } finally {
    await deleteModelRecord(db, scratch).catch(() => undefined);
  }
}
