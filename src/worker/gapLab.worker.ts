// Entry of the gap-lab Web Worker: projections, UMAP, histograms and lesson sweeps of the probe
// embeddings run here, never on the main thread (src/protocol/gapLab.ts).
import type { GapLabCommand, GapLabReport } from '../protocol/gapLab';
import { GapLabSession } from './gapLab/gapLabSession';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function transferables(r: GapLabReport): Transferable[] {
  if (r.type === 'umap') return [r.points.buffer as ArrayBuffer];
  if (r.type === 'projection') return r.projection.steps.flatMap((s) => [s.points.buffer as ArrayBuffer, s.centroids.buffer as ArrayBuffer]);
  return [];
}

const session = new GapLabSession((r) => scope.postMessage(r, transferables(r)));

// In order, so that a `put` lands before the requests that follow it; cancel is seen at once.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e: MessageEvent<GapLabCommand>) => {
  const cmd = e.data;
  if (cmd.type === 'cancel') void session.handle(cmd);
  else queue = queue.then(() => session.handle(cmd));
};
