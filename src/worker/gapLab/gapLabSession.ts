// The gap-lab worker's state: the probe embeddings of one owner's recorded steps, and the requests
// over them. UMAP runs epoch by epoch, yielding between batches of epochs so progress reports go
// out and a cancel is seen.
import { UMAP } from 'umap-js';
import { cosineHistograms } from '../../lab/cosineHistograms';
import { projectSteps } from '../../lab/gapProjection';
import { shiftSweep } from '../../lab/shiftLesson';
import type { GapLabCommand, GapLabReport, StepRows } from '../../protocol/gapLab';
import { mulberry32 } from '../../util/prng';
import { yieldToEventLoop } from '../yieldToEventLoop';

type Post = (r: GapLabReport) => void;

/** Epochs between progress reports and cancellation checks. */
const UMAP_EPOCHS_PER_SLICE = 10;

export class GapLabSession {
  private ownerId: string | null = null;
  private n = 0;
  private d = 0;
  private readonly rows = new Map<number, StepRows>();
  private readonly cancelled = new Set<string>();

  constructor(private readonly post: Post) {}

  private sorted(): StepRows[] {
    return [...this.rows.values()].sort((a, b) => a.step - b.step);
  }

  private rowsOf(ownerId: string, step: number): StepRows {
    if (ownerId !== this.ownerId) throw new Error('The gap lab has no recordings of this model yet');
    const r = this.rows.get(step);
    if (!r) throw new Error(`No recording at step ${step}`);
    return r;
  }

  async handle(cmd: GapLabCommand): Promise<void> {
    if (cmd.type === 'cancel') {
      this.cancelled.add(cmd.requestId);
      return;
    }
    if (cmd.type === 'put') {
      if (cmd.ownerId !== this.ownerId || cmd.d !== this.d || cmd.n !== this.n) this.rows.clear();
      this.ownerId = cmd.ownerId;
      this.n = cmd.n;
      this.d = cmd.d;
      for (const r of cmd.rows) this.rows.set(r.step, r);
      return;
    }
    try {
      switch (cmd.type) {
        case 'project': {
          const steps = cmd.ownerId === this.ownerId ? this.sorted() : [];
          return this.post({ type: 'projection', requestId: cmd.requestId, projection: projectSteps(steps, this.d, cmd.mode, cmd.basisStep) });
        }
        case 'histograms': {
          const r = this.rowsOf(cmd.ownerId, cmd.step);
          return this.post({ type: 'histograms', requestId: cmd.requestId, step: cmd.step, histograms: cosineHistograms(r.u, r.v, this.n, this.d) });
        }
        case 'shift': {
          const r = this.rowsOf(cmd.ownerId, cmd.step);
          const sweep = shiftSweep(r.u, r.v, this.n, this.d, { scales: cmd.scales, classVectors: cmd.classVectors, labels: cmd.labels });
          return this.post({ type: 'shift', requestId: cmd.requestId, step: cmd.step, sweep });
        }
        case 'umap':
          return await this.umap(cmd.requestId, this.rowsOf(cmd.ownerId, cmd.step), cmd.seed, cmd.nNeighbors);
      }
    } catch (e) {
      this.post({ type: 'error', requestId: cmd.requestId, message: e instanceof Error ? e.message : String(e), cancelled: this.cancelled.has(cmd.requestId) });
    } finally {
      this.cancelled.delete(cmd.requestId);
    }
  }

  /** UMAP of one step's 2n points (images then texts) to 2-D, seeded. */
  private async umap(requestId: string, r: StepRows, seed: number, nNeighbors: number): Promise<void> {
    const { n, d } = this;
    const data: number[][] = [];
    for (const x of [r.u, r.v]) for (let i = 0; i < n; i++) data.push(Array.from(x.subarray(i * d, (i + 1) * d)));
    const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(nNeighbors, data.length - 1), minDist: 0.1, random: mulberry32(seed) });
    const epochs = umap.initializeFit(data);
    for (let e = 0; e < epochs; ) {
      for (let k = 0; k < UMAP_EPOCHS_PER_SLICE && e < epochs; k++, e++) umap.step();
      this.post({ type: 'umapProgress', requestId, done: e, total: epochs });
      await yieldToEventLoop();
      if (this.cancelled.has(requestId)) throw new Error('UMAP: cancelled');
    }
    const emb = umap.getEmbedding();
    const points = new Float32Array(emb.length * 2);
    emb.forEach((p, i) => points.set([p[0]!, p[1]!], 2 * i));
    this.post({ type: 'umap', requestId, step: r.step, points });
  }
}
