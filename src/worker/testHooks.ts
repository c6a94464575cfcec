// Hooks for the browser tests and benchmarks, installed on the worker's global scope only in the
// test build (`__TEST_HOOKS__`): tfjs itself (the WebGPU canaries run tfjs checks in this worker via
// Playwright's worker.evaluate), the fused and op-composed losses (the kernel tests compare them),
// checkpoint storage faults and the session (the checkpoint tests).
import * as tf from '@tensorflow/tfjs';
import { clipLossFused, fusedLossActive, siglipLossFused } from '../kernels/fusedLoss';
import { clipLossComposed } from '../objectives/clipLoss';
import { siglipLossComposed } from '../objectives/siglipObjective';
import { checkpointFaults } from '../train/checkpointStore';
import type { TrainerSession } from './trainerSession';

export function installWorkerTestHooks(session: TrainerSession): void {
  Object.assign(globalThis, {
    __clipLabTf: tf,
    __clipLabLosses: { clipLossComposed, siglipLossComposed, clipLossFused, siglipLossFused, fusedLossActive },
    __clipLabCheckpoint: { faults: checkpointFaults, session },
  });
}
