// Entry of the inference Web Worker: the Try view, retrieval search and the evaluation suite run
// here, on a model of their own, so they never touch the trainer's run (src/protocol/inference.ts).
import type { InferenceCommand, InferenceReport } from '../protocol/inference';
import { InferenceSession } from './inference/inferenceSession';
import { snapshotTransferables } from '../protocol/gap';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function transferables(r: InferenceReport): Transferable[] {
  if (r.type === 'image') return [r.rgb.buffer as ArrayBuffer];
  if (r.type === 'samples') return r.samples.map((s) => s.rgb.buffer as ArrayBuffer);
  if (r.type === 'search') return r.hits.map((h) => h.rgb.buffer as ArrayBuffer);
  if (r.type === 'gapRecord') return r.snapshots.flatMap(snapshotTransferables);
  return [];
}

const session = new InferenceSession((r) => scope.postMessage(r, transferables(r)));

// Loads run in order (a model replaces the previous one); everything else is answered as it comes,
// so a zero-shot update is not stuck behind an index being built.
let loads: Promise<void> = Promise.resolve();
scope.onmessage = (e: MessageEvent<InferenceCommand>) => {
  const cmd = e.data;
  if (cmd.type === 'loadModel' || cmd.type === 'init') loads = loads.then(() => session.handle(cmd));
  else void loads.then(() => session.handle(cmd));
};
