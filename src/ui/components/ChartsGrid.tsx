import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { ObjectiveKind } from '../../config/types';
import { zeroShotCaption } from '../chartCaptions';
import { fmtNum, fmtPct } from '../format';
import { objectiveOf } from '../../config/objectiveOf';
import { NON_LOSS_COMPONENTS, componentLabel } from '../objectives';
import { useTelemetry, type TelemetryState } from '../stores/telemetryStore';
import { useSettings } from '../stores/settingsStore';
import { LineChart, type SeriesSpec } from './LineChart';

// ---- colours (match styles.css)
const BLUE = '#5b8def';
const ORANGE = '#f0a35b';
const GREEN = '#4fc08d';
const PURPLE = '#b48ef0';
const GREY = '#8d99b0';
const TERM_COLOURS = [ORANGE, GREEN, PURPLE, '#ef7bb4', '#5bd0e0', '#f0c05b'];

const metricsVersion = (s: TelemetryState) => s.metricsVersion;
const evalsVersion = (s: TelemetryState) => s.evals;

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

/** The config of the run on screen (the settings' one before any run). */
const shownConfig = (s: TelemetryState) => s.runConfig ?? useSettings.getState().config;
const shownObjective = (s: TelemetryState): ObjectiveKind => objectiveOf(shownConfig(s)).kind;

// ---- loss
const lossSeries: SeriesSpec[] = [
  { label: 'loss', stroke: 'rgba(91, 141, 239, 0.45)', width: 1 },
  { label: 'smoothed', stroke: BLUE, width: 2 },
  { label: 'chance ln B', stroke: GREY, width: 1, dash: [6, 4] },
];
function lossData(s: TelemetryState): uPlot.AlignedData {
  const x = s.metrics.column('step');
  const loss = s.metrics.column('loss');
  const b = shownConfig(s).batchSize;
  // ln B is the loss of random guessing for a softmax over the batch, not for SigLIP's sigmoid loss.
  const chance = shownObjective(s) === 'siglip' ? null : Math.log(b);
  return [x, nullify(loss), nullify(ema(loss, 0.95)), x.map(() => chance)];
}

const LOSS_CAPTIONS: Record<ObjectiveKind, string> = {
  clip: 'Symmetric InfoNCE: mean of image→text and text→image cross-entropy over the batch. Dashed: ln B, the loss of random guessing.',
  pospair: 'InfoNCE plus λ·R, the mean squared distance between matching embeddings. Dashed: ln B, the InfoNCE loss of random guessing.',
  siglip: 'Sigmoid loss: per image, the sum over all B captions of −log σ(±(s·S_ij + b)). There is no ln B chance level (no softmax).',
  cyclip: 'InfoNCE plus the two weighted cycle-consistency terms. Dashed: ln B, the InfoNCE loss of random guessing.',
  protoclip: 'InfoNCE plus ½(L_I→T + L_T→I), the prototype cross-entropies (from episode 2 on; episode 1 is CLIP-only warm-up). Dashed: ln B, the InfoNCE loss of random guessing.',
};

// ---- loss terms (the objective's named components, each weighted as it enters the loss)
function termNames(names: readonly string[]): string[] {
  return names.filter((n) => !NON_LOSS_COMPONENTS.has(n));
}
function termsSeries(names: readonly string[]): SeriesSpec[] {
  return [
    { label: 'total', stroke: BLUE, width: 2 },
    ...termNames(names).map<SeriesSpec>((n, i) => ({ label: componentLabel(n), stroke: TERM_COLOURS[i % TERM_COLOURS.length]!, width: 1.5 })),
  ];
}
function termsData(s: TelemetryState): uPlot.AlignedData {
  const x = s.metrics.column('step');
  // Lightly smoothed: per-step terms of a small batch are noisy.
  const smooth = (a: number[]) => nullify(ema(a, 0.8));
  return [x, smooth(s.metrics.column('loss')), ...termNames(s.componentNames).map((n) => smooth(s.metrics.componentColumn(n)))];
}

// ---- positive similarity and margin (methods.md §3)
const posSeries: SeriesSpec[] = [
  { label: 'mean S_ii', stroke: 'rgba(79, 192, 141, 0.4)', width: 1 },
  { label: 'S_ii smoothed', stroke: GREEN, width: 2 },
  { label: 'mean margin', stroke: 'rgba(180, 142, 240, 0.4)', width: 1 },
  { label: 'margin smoothed', stroke: PURPLE, width: 2 },
];
function posData(s: TelemetryState): uPlot.AlignedData {
  const pos = s.metrics.column('meanPositive');
  const margin = s.metrics.column('meanMargin');
  // A trainer that does not report these yet: an empty chart rather than a flat nothing.
  if (!pos.some(Number.isFinite) && !margin.some(Number.isFinite)) return [[], [], [], [], []];
  return [s.metrics.column('step'), nullify(pos), nullify(ema(pos, 0.9)), nullify(margin), nullify(ema(margin, 0.9))];
}

// ---- logit scale
const scaleSeries: SeriesSpec[] = [{ label: 's = exp t', stroke: ORANGE, width: 2 }];
function scaleData(s: TelemetryState): uPlot.AlignedData {
  return [s.metrics.column('step'), nullify(s.metrics.column('logitScale'))];
}
const SCALE_CAPTIONS: Record<ObjectiveKind, string> = {
  clip: 'Learned inverse temperature that multiplies cosine similarities; CLIP starts at 1/0.07 ≈ 14.3 and clamps at 100.',
  pospair: 'Learned inverse temperature that multiplies cosine similarities; starts at 1/0.07 ≈ 14.3 and clamps at 100. It bounds the margin the softmax can reward.',
  siglip: 'Learned inverse temperature of the sigmoid logits s·S_ij + b; SigLIP starts at s = e^t = 10.',
  cyclip: 'Learned inverse temperature that multiplies cosine similarities; starts at 1/0.07 ≈ 14.3 and clamps at 100.',
  protoclip: 'CLIP’s learned inverse temperature (starts at 1/0.07 ≈ 14.3, clamps at 100); the prototype losses have their own s_p, same init and clamp.',
};

// ---- SigLIP bias
const biasSeries: SeriesSpec[] = [{ label: 'bias b', stroke: '#ef7bb4', width: 2 }];
function biasData(s: TelemetryState): uPlot.AlignedData {
  const b = s.metrics.componentColumn('bias');
  if (!b.some(Number.isFinite)) return [[], []];
  return [s.metrics.column('step'), nullify(b)];
}

// ---- ProtoCLIP prototype accuracy and s_p
const protoSeries: SeriesSpec[] = [
  { label: 'prototype accuracy', stroke: GREEN, width: 2 },
  { label: 's_p / 100', stroke: ORANGE, width: 1.5 },
];
function protoData(s: TelemetryState): uPlot.AlignedData {
  const acc = s.metrics.componentColumn('protoAcc');
  if (!acc.some(Number.isFinite)) return [[], [], []];
  return [s.metrics.column('step'), nullify(acc), nullify(s.metrics.componentColumn('protoScale').map((x) => x / 100))];
}

// ---- learning rate
const lrSeries: SeriesSpec[] = [{ label: 'learning rate', stroke: PURPLE, width: 2, fmt: (v) => fmtNum(v, 3) }];
function lrData(s: TelemetryState): uPlot.AlignedData {
  return [s.metrics.column('step'), nullify(s.metrics.column('lr'))];
}

// ---- throughput
const speedSeries: SeriesSpec[] = [{ label: 'pairs/s', stroke: GREEN, width: 2, fmt: (v) => fmtNum(v, 3) }];
function speedData(s: TelemetryState): uPlot.AlignedData {
  return [s.metrics.column('step'), nullify(s.metrics.column('pairsPerSec'))];
}

// ---- zero-shot
const zsSeries: SeriesSpec[] = [
  { label: 'seen', stroke: BLUE, width: 2, fmt: (v) => fmtPct(v) },
  { label: 'held-out', stroke: ORANGE, width: 2, fmt: (v) => fmtPct(v) },
  { label: 'chance', stroke: GREY, width: 1, dash: [6, 4], fmt: (v) => fmtPct(v) },
];
function zsData(s: TelemetryState): uPlot.AlignedData {
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
function gapData(s: TelemetryState): uPlot.AlignedData {
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
function recallData(s: TelemetryState): uPlot.AlignedData {
  const e = s.evals;
  const f = (k: 'recallI2T1' | 'recallT2I1' | 'recallI2T5' | 'recallT2I5') => e.map((p) => (Number.isFinite(p[k]) ? p[k] : null));
  return [e.map((p) => p.step), f('recallI2T1'), f('recallT2I1'), f('recallI2T5'), f('recallT2I5')];
}

export function ChartsGrid() {
  const runConfig = useTelemetry((s) => s.runConfig);
  const settingsConfig = useSettings((s) => s.config);
  const kind = objectiveOf(runConfig ?? settingsConfig).kind;
  const dataset = useTelemetry((s) => s.dataset);
  const componentNames = useTelemetry((s) => s.componentNames);
  const terms = useMemo(() => termsSeries(componentNames), [componentNames]);
  const termsKey = termNames(componentNames).join('|');
  const showBias = kind === 'siglip' || componentNames.includes('bias');
  const showProto = kind === 'protoclip' || componentNames.includes('protoAcc');

  return (
    <section className="charts-grid" aria-label="Training curves">
      <LineChart source={useTelemetry} title="Loss" caption={LOSS_CAPTIONS[kind]} yLabel="nats" series={lossSeries} version={metricsVersion} data={lossData} />
      <LineChart source={useTelemetry}
        title="Loss terms"
        caption="The objective's weighted terms as they enter the loss (they add up to the total); smoothed. Plain CLIP has one term."
        yLabel="nats"
        series={terms}
        seriesKey={termsKey}
        version={metricsVersion}
        data={termsData}
      />
      <LineChart source={useTelemetry}
        title="Positive similarity and margin"
        caption="Mean S_ii (cosine of matching pairs) and mean margin S_ii − max_{j≠i} S_ij over each batch. The positive-pair regulariser should raise both vs plain CLIP at equal steps: compare runs below."
        yLabel="cosine"
        series={posSeries}
        version={metricsVersion}
        data={posData}
        emptyText="No per-step similarities yet."
      />
      <LineChart source={useTelemetry} title="Logit scale s = exp t" caption={SCALE_CAPTIONS[kind]} yLabel="s" series={scaleSeries} version={metricsVersion} data={scaleData} />
      {showBias ? (
        <LineChart source={useTelemetry}
          title="SigLIP bias b"
          caption="Learnable bias added to every logit s·S_ij + b. Starting at −10 keeps the loss of the B² − B negative pairs small at first; without it early training is unstable."
          yLabel="b"
          series={biasSeries}
          version={metricsVersion}
          data={biasData}
          emptyText="No bias values yet."
        />
      ) : null}
      {showProto ? (
        <LineChart source={useTelemetry}
          title="ProtoCLIP prototypes"
          caption="Share of batch pairs whose image's nearest (back-translated) prototype is its caption's cluster, and the prototype logit scale s_p (÷100). Zero during the warm-up episode (no prototypes yet)."
          yLabel="share"
          series={protoSeries}
          version={metricsVersion}
          data={protoData}
          emptyText="No prototype metrics yet."
        />
      ) : null}
      <LineChart source={useTelemetry}
        title="Zero-shot top-1"
        caption={zeroShotCaption(dataset)}
        yLabel="accuracy"
        series={zsSeries}
        version={evalsVersion}
        data={zsData}
        yRange={[0, 1]}
        emptyText="Appears after the first evaluation."
      />
      <LineChart source={useTelemetry}
        title="Modality gap ‖mean u − mean v‖"
        caption="Distance between the centres of image and text embeddings on the validation set (Liang et al. 2022); green: mean cosine of matching pairs."
        yLabel="distance / cosine"
        series={gapSeries}
        version={evalsVersion}
        data={gapData}
        emptyText="Appears after the first evaluation."
      />
      <LineChart source={useTelemetry}
        title="Retrieval recall@k"
        caption="Validation pairs (up to 1024): share of images whose own caption ranks in the top k among all captions, and the reverse."
        yLabel="recall"
        series={recallSeries}
        version={evalsVersion}
        data={recallData}
        yRange={[0, 1]}
        emptyText="Appears after the first evaluation."
      />
      <LineChart source={useTelemetry}
        title="Learning rate"
        caption="AdamW step size: linear warm-up, then cosine decay down to the minimum LR."
        yLabel="lr"
        series={lrSeries}
        version={metricsVersion}
        data={lrData}
      />
      <LineChart source={useTelemetry}
        title="Throughput"
        caption="Image–caption pairs trained per second, averaged over each report window."
        yLabel="pairs/s"
        series={speedSeries}
        version={metricsVersion}
        data={speedData}
      />
    </section>
  );
}
