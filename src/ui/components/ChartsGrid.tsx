import type uPlot from 'uplot';
import { fmtNum, fmtPct } from '../format';
import type { StoreState } from '../store';
import { LineChart, type SeriesSpec } from './LineChart';

// ---- colours (match styles.css)
const BLUE = '#5b8def';
const ORANGE = '#f0a35b';
const GREEN = '#4fc08d';
const PURPLE = '#b48ef0';
const GREY = '#8d99b0';

const metricsVersion = (s: StoreState) => s.metricsVersion;
const evalsVersion = (s: StoreState) => s.evals;

/** Exponential moving average, bias-corrected (as in TensorBoard smoothing). */
function ema(values: number[], beta: number): number[] {
  const out = new Array<number>(values.length);
  let m = 0;
  let w = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out[i] = NaN; // a gap stays a gap
      continue;
    }
    m = beta * m + (1 - beta) * v;
    w = beta * w + (1 - beta);
    out[i] = m / w;
  }
  return out;
}

const nullify = (a: number[]): (number | null)[] => a.map((v) => (Number.isFinite(v) ? v : null));

// ---- loss
const lossSeries: SeriesSpec[] = [
  { label: 'loss', stroke: 'rgba(91, 141, 239, 0.45)', width: 1 },
  { label: 'smoothed', stroke: BLUE, width: 2 },
  { label: 'chance ln B', stroke: GREY, width: 1, dash: [6, 4] },
];
function lossData(s: StoreState): uPlot.AlignedData {
  const x = s.metrics.column('step');
  const loss = s.metrics.column('loss');
  const b = s.runConfig?.batchSize ?? s.config.batchSize;
  const chance = Math.log(b);
  return [x, nullify(loss), nullify(ema(loss, 0.95)), x.map(() => chance)];
}

// ---- logit scale
const scaleSeries: SeriesSpec[] = [{ label: 's = exp t', stroke: ORANGE, width: 2 }];
function scaleData(s: StoreState): uPlot.AlignedData {
  return [s.metrics.column('step'), nullify(s.metrics.column('logitScale'))];
}

// ---- learning rate
const lrSeries: SeriesSpec[] = [{ label: 'learning rate', stroke: PURPLE, width: 2, fmt: (v) => fmtNum(v, 3) }];
function lrData(s: StoreState): uPlot.AlignedData {
  return [s.metrics.column('step'), nullify(s.metrics.column('lr'))];
}

// ---- throughput
const speedSeries: SeriesSpec[] = [{ label: 'pairs/s', stroke: GREEN, width: 2, fmt: (v) => fmtNum(v, 3) }];
function speedData(s: StoreState): uPlot.AlignedData {
  return [s.metrics.column('step'), nullify(s.metrics.column('pairsPerSec'))];
}

// ---- zero-shot
const zsSeries: SeriesSpec[] = [
  { label: 'seen', stroke: BLUE, width: 2, fmt: (v) => fmtPct(v) },
  { label: 'held-out', stroke: ORANGE, width: 2, fmt: (v) => fmtPct(v) },
  { label: 'chance', stroke: GREY, width: 1, dash: [6, 4], fmt: (v) => fmtPct(v) },
];
function zsData(s: StoreState): uPlot.AlignedData {
  const e = s.evals;
  const chance = s.numClasses > 0 ? 1 / s.numClasses : null;
  return [
    e.map((p) => p.step),
    e.map((p) => (Number.isFinite(p.zeroShotSeen) ? p.zeroShotSeen : null)),
    e.map((p) => (Number.isFinite(p.zeroShotHeldOut) ? p.zeroShotHeldOut : null)),
    e.map(() => chance),
  ];
}

// ---- modality gap
const gapSeries: SeriesSpec[] = [
  { label: 'gap ‖ū − v̄‖', stroke: PURPLE, width: 2 },
  { label: 'mean positive cos', stroke: GREEN, width: 2 },
];
function gapData(s: StoreState): uPlot.AlignedData {
  const e = s.evals;
  return [e.map((p) => p.step), e.map((p) => (Number.isFinite(p.gap) ? p.gap : null)), e.map((p) => (Number.isFinite(p.meanPositive) ? p.meanPositive : null))];
}

// ---- retrieval
const recallSeries: SeriesSpec[] = [
  { label: 'R@1 image→text', stroke: BLUE, width: 2, fmt: (v) => fmtPct(v) },
  { label: 'R@1 text→image', stroke: ORANGE, width: 2, fmt: (v) => fmtPct(v) },
  { label: 'R@5 image→text', stroke: BLUE, width: 1, dash: [4, 3], fmt: (v) => fmtPct(v) },
  { label: 'R@5 text→image', stroke: ORANGE, width: 1, dash: [4, 3], fmt: (v) => fmtPct(v) },
];
function recallData(s: StoreState): uPlot.AlignedData {
  const e = s.evals;
  const f = (k: 'recallI2T1' | 'recallT2I1' | 'recallI2T5' | 'recallT2I5') => e.map((p) => (Number.isFinite(p[k]) ? p[k] : null));
  return [e.map((p) => p.step), f('recallI2T1'), f('recallT2I1'), f('recallI2T5'), f('recallT2I5')];
}

export function ChartsGrid() {
  return (
    <section className="charts-grid" aria-label="Training curves">
      <LineChart
        title="Loss"
        caption="Symmetric InfoNCE: mean of image→text and text→image cross-entropy over the batch. Dashed: ln B, the loss of random guessing."
        yLabel="nats"
        series={lossSeries}
        version={metricsVersion}
        data={lossData}
      />
      <LineChart
        title="Logit scale s = exp t"
        caption="Learned inverse temperature that multiplies cosine similarities; CLIP starts at 1/0.07 ≈ 14.3 and clamps at 100."
        yLabel="s"
        series={scaleSeries}
        version={metricsVersion}
        data={scaleData}
      />
      <LineChart
        title="Learning rate"
        caption="AdamW step size: linear warm-up, then cosine decay down to the minimum LR."
        yLabel="lr"
        series={lrSeries}
        version={metricsVersion}
        data={lrData}
      />
      <LineChart
        title="Throughput"
        caption="Image–caption pairs trained per second, averaged over each report window."
        yLabel="pairs/s"
        series={speedSeries}
        version={metricsVersion}
        data={speedData}
      />
      <LineChart
        title="Zero-shot top-1"
        caption="Classify validation images by the nearest class prompt (“a picture of a red circle”, …). Held-out combinations were never seen in training."
        yLabel="accuracy"
        series={zsSeries}
        version={evalsVersion}
        data={zsData}
        yRange={[0, 1]}
        emptyText="Appears after the first evaluation."
      />
      <LineChart
        title="Modality gap ‖mean u − mean v‖"
        caption="Distance between the centres of image and text embeddings on the validation set (Liang et al. 2022); green: mean cosine of matching pairs."
        yLabel="distance / cosine"
        series={gapSeries}
        version={evalsVersion}
        data={gapData}
        emptyText="Appears after the first evaluation."
      />
      <LineChart
        title="Retrieval recall@k"
        caption="Validation pairs (up to 1024): share of images whose own caption ranks in the top k among all captions, and the reverse."
        yLabel="recall"
        series={recallSeries}
        version={evalsVersion}
        data={recallData}
        yRange={[0, 1]}
        emptyText="Appears after the first evaluation."
      />
    </section>
  );
}
