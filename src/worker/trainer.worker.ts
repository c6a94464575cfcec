// Entry of the trainer Web Worker: every tensor of the app lives here.
import type { Command, Report } from '../protocol/trainer';
import { transferablesOf } from '../protocol/trainer';
import { TrainerSession } from './trainerSession';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new TrainerSession((r: Report) => scope.postMessage(r, transferablesOf(r)));

// Commands are handled in arrival order except the ones that must interrupt a running
// loop (pause, stop, status), which act immediately.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e: MessageEvent<Command>) => {
  const cmd = e.data;
  if (cmd.type === 'pause' || cmd.type === 'stop' || cmd.type === 'status') {
    void session.handle(cmd);
    return;
  }
  queue = queue.then(() => session.handle(cmd));
};

// Test hook: the browser tests run tfjs checks (e.g. the WebGPU transpose canary)
// inside this worker through Playwright's worker.evaluate.
import * as tf from '@tensorflow/tfjs';
(globalThis as unknown as { __clipLabTf: typeof tf }).__clipLabTf = tf;

// Test hook: the fused-kernel browser tests compare the fused and op-composed losses in this worker.
import { clipLossComposed } from '../objectives/clipLoss';
import { siglipLossComposed } from '../objectives/siglipObjective';
import { clipLossFused, siglipLossFused, fusedLossActive } from '../kernels/fusedLoss';
(globalThis as unknown as { __clipLabLosses: object }).__clipLabLosses = { clipLossComposed, siglipLossComposed, clipLossFused, siglipLossFused, fusedLossActive };

// Test hooks: the checkpoint tests inject storage faults and read the held run's embeddings.
import { checkpointFaults } from '../train/checkpointStore';
(globalThis as unknown as { __clipLabCheckpoint: object }).__clipLabCheckpoint = { faults: checkpointFaults, session };
