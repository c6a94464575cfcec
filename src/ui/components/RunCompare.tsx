import { useMemo } from 'react';
import type uPlot from 'uplot';
import { fmtNum, fmtPct } from '../format';
import { COMPARE_METRICS, alignCurves, isCompareMetric, runCurve, runDetails, type CompareMetric, type RunRecord } from '../runHistory';
import { useHistory, type HistoryState } from '../stores/historyStore';
import { useTelemetry } from '../stores/telemetryStore';
import { LineChart, type SeriesSpec } from './LineChart';

const RUN_COLOURS = ['#5b8def', '#f0a35b', '#4fc08d', '#b48ef0', '#ef7bb4', '#5bd0e0', '#f0c05b', '#ef5b6b'];
const runColour = (id: number): string => RUN_COLOURS[(((id - 1) % RUN_COLOURS.length) + RUN_COLOURS.length) % RUN_COLOURS.length]!;

const runsVersion = (s: HistoryState) => s.runsVersion;

function selectedRuns(s: Pick<HistoryState, 'runs' | 'compareSelected'>): RunRecord[] {
  return s.runs.filter((r) => s.compareSelected.includes(r.id));
}

function compareData(s: HistoryState): uPlot.AlignedData {
  const runs = selectedRuns(s);
  if (runs.length === 0) return [[]];
  const data = alignCurves(runs.map((r) => runCurve(r, s.compareMetric)));
  return data[0].length ? data : [[], ...runs.map(() => [])];
}

const OUTCOME_TEXT: Record<RunRecord['outcome'], string> = {
  running: 'running',
  done: 'done',
  stopped: 'stopped',
  error: 'failed',
  interrupted: 'interrupted',
};

/** Overlays one metric of several kept runs (every Start is kept; the last 8 persist). */
export function RunCompare() {
  const runs = useHistory((s) => s.runs);
  const selected = useHistory((s) => s.compareSelected);
  const metric = useHistory((s) => s.compareMetric);
  const toggle = useHistory((s) => s.toggleCompareRun);
  const setMetric = useHistory((s) => s.setCompareMetric);
  const clearRuns = useHistory((s) => s.clearRuns);
  const running = useTelemetry((s) => s.status.state === 'running' || s.status.state === 'paused' || s.status.state === 'preparing');

  const spec = COMPARE_METRICS.find((m) => m.value === metric) ?? COMPARE_METRICS[0]!;
  const shown = useMemo(() => selectedRuns({ runs, compareSelected: selected }), [runs, selected]);
  const series = useMemo<SeriesSpec[]>(
    () =>
      shown.map((r) => ({
        label: r.label,
        stroke: runColour(r.id),
        width: 2,
        spanGaps: true,
        fmt: spec.percent ? (v: number) => fmtPct(v) : (v: number) => fmtNum(v, 4),
      })),
    [shown, spec],
  );
  const seriesKey = `${metric}:${shown.map((r) => `${r.id}=${r.label}`).join(',')}`;

  return (
    <LineChart source={useHistory}
      title="Compare runs"
      caption="Every Start is kept (the last 8, also across reloads). Tick runs to overlay one metric at equal steps, e.g. plain CLIP against the positive-pair regulariser."
      yLabel={spec.yLabel}
      series={series}
      seriesKey={seriesKey}
      version={runsVersion}
      data={compareData}
      yRange={spec.percent ? [0, 1] : undefined}
      height={260}
      className="compare-card"
      testId="run-compare"
      emptyText={runs.length === 0 ? 'No runs yet — every Start is kept here.' : shown.length === 0 ? 'Tick runs to compare.' : 'No data for this metric yet.'}
    >
      <div className="compare-toolbar">
        <div className="field compare-metric">
          <label htmlFor="compare-metric">Compare metric</label>
          <select id="compare-metric" value={metric} onChange={(e) => isCompareMetric(e.target.value) && setMetric(e.target.value as CompareMetric)}>
            {COMPARE_METRICS.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="btn btn-small btn-danger"
          disabled={runs.length === 0 || running}
          title={running ? 'Stop the active run first' : 'Forget every kept run'}
          onClick={clearRuns}
        >
          Clear runs
        </button>
      </div>
      {runs.length ? (
        <ul className="compare-runs" aria-label="Kept runs">
          {runs.map((r) => (
            <li key={r.id} className="compare-run" data-testid="run-compare-item" data-run-id={r.id} title={runDetails(r)}>
              <label>
                <input type="checkbox" checked={selected.includes(r.id)} onChange={() => toggle(r.id)} />
                <span className="compare-swatch" style={{ background: runColour(r.id) }} aria-hidden="true" />
                <span className="compare-label">{r.label}</span>
                <span className="compare-meta">{r.outcome === 'running' ? OUTCOME_TEXT.running : `${OUTCOME_TEXT[r.outcome]} · step ${r.lastStep}`}</span>
              </label>
            </li>
          ))}
        </ul>
      ) : null}
    </LineChart>
  );
}
