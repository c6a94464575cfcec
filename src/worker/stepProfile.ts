// Memory profile of one training step (issue 5): tf.profile around Trainer.step on the active
// backend. tf.profile's peakBytes is the highest tf.memory().numBytes after any kernel of the
// step, ABSOLUTE (parameters, optimizer state and the batch included), so the baseline before the
// step is reported too. Every result of the step is disposed inside the profiled function, so
// newTensors / newBytes are what the step leaks (0 expected once the optimizer state exists).
// tf.profile also times every kernel; where the backend has no timer (webgl without the disjoint
// timer query, as on SwiftShader) it reads every kernel's output back synchronously, which makes a
// step minutes long. Only memory is wanted here, so for the profile such a backend gets a no-op
// timer (kernel times are then meaningless; memory figures are unaffected). The wall time is no
// speed figure either way.
import * as tf from '@tensorflow/tfjs';
import { batchToTensors, disposeBatchTensors } from '../model/clipModel';
import type { Batch } from '../data/batch';
import { disposeStepResult, type Trainer } from '../train/trainStep';
import type { StepProfileReport } from '../protocol/bench';

export type StepProfile = Pick<
  StepProfileReport,
  'baselineBytes' | 'baselineTensors' | 'peakBytes' | 'transientPeakBytes' | 'newBytes' | 'newTensors' | 'kernels' | 'topKernels' | 'wallMs'
>;

export async function profileTrainingStep(trainer: Trainer, batch: Batch, lr: number): Promise<StepProfile> {
  const t = batchToTensors(batch);
  try {
    const before = tf.memory();
    const t0 = performance.now();
    const info = await withoutKernelSync(() =>
      tf.profile(() => {
        disposeStepResult(trainer.step(t, lr));
      }),
    );
    await trainer.model.logitScale.data(); // the device has finished the step (queued in order)
    const wallMs = performance.now() - t0;
    const peakBytes = info.kernels.length ? info.peakBytes : before.numBytes;
    const topKernels = [...info.kernels]
      .sort((a, b) => b.bytesAdded - a.bytesAdded)
      .slice(0, 3)
      .map((k) => ({ name: k.name, bytesAdded: k.bytesAdded, outputShape: (k.outputShapes[0] ?? []) as number[] }));
    return {
      baselineBytes: before.numBytes,
      baselineTensors: before.numTensors,
      peakBytes,
      transientPeakBytes: peakBytes - before.numBytes,
      newBytes: info.newBytes,
      newTensors: info.newTensors,
      kernels: info.kernels.length,
      topKernels,
      wallMs,
    };
  } finally {
    disposeBatchTensors(t);
  }
}

type Timed = { timerAvailable(): boolean; time(f: () => void): Promise<unknown> };

/** Runs `f` with the active backend's kernel timer replaced by a no-op when it has none (see above). */
async function withoutKernelSync<T>(f: () => Promise<T>): Promise<T> {
  const backend = tf.backend() as unknown as Timed;
  if (backend.timerAvailable()) return f();
  const own = backend as unknown as Record<string, unknown>;
  own.timerAvailable = () => true;
  own.time = async (g: () => void) => {
    g();
    return { kernelMs: 0 };
  };
  try {
    return await f();
  } finally {
    delete own.timerAvailable;
    delete own.time;
  }
}
