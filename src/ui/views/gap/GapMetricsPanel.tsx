// The gap metrics of every recorded step (docs/methods.md §6): a table of the first step beside the
// step on the timeline, and two charts over the recorded steps.
import type uPlot from 'uplot';
import type { GapSnapshotMetrics } from '../../../protocol/gap';
import { fmtFixed, fmtPct } from '../../format';
import { LineChart, type SeriesSpec } from '../../components/LineChart';
import { shownRecording, useGap, type GapState } from '../../stores/gapStore';

interface MetricRow {
  key: keyof Omit<GapSnapshotMetrics, 'perDimension'>;
  label: string;
  meaning: string;
  fmt: (v: number) => string;
}

export const METRIC_ROWS: readonly MetricRow[] = [
  { key: 'centroidDistance', label: '‖Δ‖ centroid distance', meaning: '‖mean u − mean v‖: how far apart the two clouds sit (0 = same centre)', fmt: (v) => fmtFixed(v, 3) },
  { key: 'relativeGap', label: 'relative gap', meaning: 'true-pair distance over pair + within-modality distance (0.5 = a caption is as far as another image)', fmt: (v) => fmtFixed(v, 3) },
  { key: 'separability', label: 'separability', meaning: 'held-out accuracy of a logistic regression telling images from captions (50 % = mixed)', fmt: (v) => fmtPct(v, 1) },
  { key: 'coneImage', label: 'image cone', meaning: 'mean cosine between two images (1 = a narrow cone)', fmt: (v) => fmtFixed(v, 3) },
  { key: 'coneText', label: 'caption cone', meaning: 'mean cosine between two captions', fmt: (v) => fmtFixed(v, 3) },
  { key: 'alignment', label: 'alignment', meaning: 'mean ‖u_i − v_i‖² over true pairs (0 = each caption on its image)', fmt: (v) => fmtFixed(v, 3) },
  { key: 'uniformity', label: 'uniformity', meaning: 'log mean exp(−2‖x − y‖²) within each modality, averaged (lower = more spread over the sphere)', fmt: (v) => fmtFixed(v, 3) },
];

const GAP_SERIES: SeriesSpec[] = [
  { label: '‖Δ‖', stroke: '#f0a35b', width: 2 },
  { label: 'relative gap', stroke: '#5b8def' },
  { label: 'separability', stroke: '#4fc08d' },
  { label: 'image cone', stroke: '#c678dd', dash: [5, 3] },
  { label: 'caption cone', stroke: '#56b6c2', dash: [5, 3] },
];
const AU_SERIES: SeriesSpec[] = [
  { label: 'alignment', stroke: '#f0a35b', width: 2 },
  { label: 'uniformity', stroke: '#5b8def', width: 2 },
];

function columns(s: GapState, keys: readonly (keyof GapSnapshotMetrics)[]): uPlot.AlignedData {
  const snaps = shownRecording(s)?.snapshots ?? [];
  return [snaps.map((x) => x.step), ...keys.map((k) => snaps.map((x) => x.metrics[k] as number))] as uPlot.AlignedData;
}

export function GapMetricsPanel() {
  const rec = useGap((s) => shownRecording(s));
  const selected = useGap((s) => s.selected);
  const snaps = rec?.snapshots ?? [];
  const first = snaps[0];
  const now = snaps[selected ?? snaps.length - 1];
  return (
    <>
      <section className="card gap-metrics-card" aria-label="Gap metrics">
        <h3 className="card-title">Gap metrics</h3>
        <p className="card-caption">On the probe pairs. The first column is the first recording (step 0: the untrained towers when the run started here), the second the step on the timeline.</p>
        <table className="data-table gap-metrics-table">
          <thead>
            <tr>
              <th scope="col">metric</th>
              <th scope="col" className="num num-cell">
                step {first?.step ?? '–'}
              </th>
              <th scope="col" className="num num-cell">
                step {now?.step ?? '–'}
              </th>
            </tr>
          </thead>
          <tbody>
            {METRIC_ROWS.map((r) => (
              <tr key={r.key} title={r.meaning}>
                <th scope="row">
                  {r.label}
                  <div className="muted gap-metric-meaning">{r.meaning}</div>
                </th>
                <td className="num num-cell">{first ? r.fmt(first.metrics[r.key]) : '–'}</td>
                <td className="num num-cell" data-testid={`gap-metric-${r.key}`}>
                  {now ? r.fmt(now.metrics[r.key]) : '–'}
                </td>
              </tr>
            ))}
            <tr>
              <th scope="row">
                logit scale s = 1/τ<div className="muted gap-metric-meaning">the temperature the run trains at</div>
              </th>
              <td className="num num-cell">{first ? fmtFixed(first.logitScale, 2) : '–'}</td>
              <td className="num num-cell">{now ? fmtFixed(now.logitScale, 2) : '–'}</td>
            </tr>
          </tbody>
        </table>
      </section>
      <LineChart
        title="Gap, separability and cones over training"
        caption="Per recorded step. A gap that opens at initialisation and persists shows as ‖Δ‖ and separability staying high while the cones widen (cone values fall)."
        yLabel="value"
        series={GAP_SERIES}
        source={useGap}
        version={(s: GapState) => s.version}
        data={(s: GapState) => columns(s, ['centroidDistance', 'relativeGap', 'separability', 'coneImage', 'coneText'])}
        emptyText="No recordings yet."
        testId="gap-metrics-chart"
      />
      <LineChart
        title="Alignment and uniformity over training"
        caption="Wang & Isola's two properties of contrastive embeddings: alignment falls as pairs meet, uniformity falls as each modality spreads over the sphere."
        yLabel="value"
        series={AU_SERIES}
        source={useGap}
        version={(s: GapState) => s.version}
        data={(s: GapState) => columns(s, ['alignment', 'uniformity'])}
        emptyText="No recordings yet."
      />
    </>
  );
}
