// Owns the gap-lab Web Worker (started when the Gap lab is first shown): hands it the probe
// embeddings of each recorded step once, and asks it for projections, a UMAP, histograms and the
// shift sweep. The main thread only draws what comes back.
import type { GapLabCommand, GapLabReport } from '../protocol/gapLab';
import { PendingRequests, newRequestId } from '../protocol/requests';
import type { GapRecording } from './stores/gapStore';
import { reportError } from './stores/errorsStore';

let worker: Worker | null = null;
const requests = new PendingRequests<GapLabReport>();
/** What the worker holds: the owner and the steps already sent. */
let sentOwner: string | null = null;
const sentSteps = new Set<number>();

function ensureWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('../worker/gapLab.worker.ts', import.meta.url), { type: 'module', name: 'clip-lab-gap' });
  worker.onmessage = (e: MessageEvent<GapLabReport>) => {
    const r = e.data;
    if (r.type === 'error') requests.fail(r.requestId, Object.assign(new Error(r.message), { cancelled: r.cancelled === true }));
    else requests.settle(r);
  };
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    const message = `Gap-lab worker error: ${e.message || 'the worker script failed to load'}`;
    reportError(message, 'gap lab');
    requests.failAll(new Error(message));
  };
  return worker;
}

/** Sends the recording's steps the worker does not have yet (copies: the store keeps its arrays). */
export function syncRecording(rec: GapRecording): void {
  const w = ensureWorker();
  if (rec.ownerId !== sentOwner) {
    sentOwner = rec.ownerId;
    sentSteps.clear();
  }
  const fresh = rec.snapshots.filter((s) => !sentSteps.has(s.step));
  if (fresh.length === 0 || rec.snapshots.length === 0) return;
  const { n, d } = rec.snapshots[0]!;
  const rows = fresh.map((s) => ({ step: s.step, u: s.u.slice(), v: s.v.slice() }));
  const cmd: GapLabCommand = { type: 'put', ownerId: rec.ownerId, n, d, rows };
  w.postMessage(cmd, rows.flatMap((r) => [r.u.buffer, r.v.buffer]));
  for (const s of fresh) sentSteps.add(s.step);
}

type Req = Extract<GapLabCommand, { requestId: string }>;
type WithoutId<T> = T extends unknown ? Omit<T, 'requestId'> : never;
type Answer<T extends GapLabReport['type']> = Extract<GapLabReport, { type: T }>;

/** A request; resolves with its final answer (`onProgress` sees UMAP progress). */
export function gapLabRequest<T extends GapLabReport["type"]>(cmd: WithoutId<Req> & { requestId?: string }, onProgress?: (r: Answer<'umapProgress'>) => void): Promise<Answer<T>> {
  const w = ensureWorker();
  const requestId = cmd.requestId ?? newRequestId('g');
  const answer = requests.track(requestId, (r) => {
    if (r.type === 'umapProgress') {
      onProgress?.(r);
      return false;
    }
    return true;
  }) as Promise<Answer<T>>;
  w.postMessage({ ...cmd, requestId });
  return answer;
}

export function cancelGapLab(requestId: string): void {
  ensureWorker().postMessage({ type: 'cancel', requestId } satisfies GapLabCommand);
}
