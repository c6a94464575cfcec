// A small uPlot line chart over a zustand store, with CSV and PNG export.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartCsv, chartPng, exportFileName, slug } from '../chartExport';
import { downloadBlob } from '../download';
import { fmtNum } from '../format';
import { cancelRedraw, enqueueRedraw } from '../redrawQueue';
import { reportError } from '../stores/errorsStore';
import { cssColour, useColourScheme } from '../theme';

export interface SeriesSpec {
  label: string;
  stroke: string;
  width?: number;
  dash?: number[];
  /** Legend value formatter. */
  fmt?: (v: number) => string;
  /** Draw across missing points (for curves aligned on a shared x of several runs). */
  spanGaps?: boolean;
}

/** What a chart reads: a zustand store (its getState and subscribe). */
export interface ChartSource<S> {
  getState: () => S;
  subscribe: (listener: (state: S) => void) => () => void;
}

export interface LineChartProps<S> {
  title: string;
  /** One line that explains what the chart shows. */
  caption: string;
  xLabel?: string;
  yLabel: string;
  /** The y series (x is always the first data column). */
  series: SeriesSpec[];
  /** The store the chart reads. */
  source: ChartSource<S>;
  /** Cheap selector; the chart redraws (see scheduleRedraw) when its result changes (===). */
  version: (s: S) => unknown;
  /** Builds [x, y1, y2, …] from the store; called only when redrawing (and for the CSV). */
  data: (s: S) => uPlot.AlignedData;
  /** Fixed y range; auto when omitted. */
  yRange?: [number, number];
  height?: number;
  emptyText?: string;
  /** The chart is rebuilt when this changes (a changed series list, y range or labels). */
  seriesKey?: string;
  /** Controls shown between the caption and the plot. */
  children?: ReactNode;
  className?: string;
  testId?: string;
}

/** At most ~5 redraws a second on screen: enough to watch, cheap next to a training step. */
const MIN_REDRAW_MS = 200;
/** Off screen (scrolled away), a chart still catches up, but only every 2 s. */
const OFFSCREEN_REDRAW_MS = 2000;

/** Tick labels with as many decimals as the tick spacing needs (a narrow range such as
 *  b = −10.00 … −9.99 must not read "−10, −10, −9.99"); exponent form for tiny spacings. */
function axisValues(_u: uPlot, splits: number[]): string[] {
  const finite = splits.filter((v) => v != null && Number.isFinite(v));
  const step = finite.length >= 2 ? Math.abs(finite[1]! - finite[0]!) : NaN;
  const maxAbs = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (!(step > 0) || step < 1e-4 || maxAbs >= 1e6) return splits.map((v) => (v == null ? '' : fmtNum(v, 3)));
  const stepText = String(Number(step.toPrecision(3)));
  const decimals = Math.min(6, stepText.includes('.') ? stepText.split('.')[1]!.length : 0);
  return splits.map((v) => (v == null ? '' : v.toFixed(decimals)));
}

/** Pads (with empty columns) or trims data to the chart's series count: a data builder may
 *  briefly see a different series list than the chart was built with (until it is rebuilt). */
function fitColumns(d: uPlot.AlignedData, n: number): uPlot.AlignedData {
  if (d.length === n) return d;
  const len = d[0]?.length ?? 0;
  const out = d.slice(0, n);
  while (out.length < n) out.push(new Array<null>(len).fill(null));
  return out as uPlot.AlignedData;
}

/**
 * A small uPlot line chart that follows its container's width. It never re-renders React for new
 * data: a store subscription marks it dirty, and it redraws via setData at most every MIN_REDRAW_MS
 * while on screen (OFFSCREEN_REDRAW_MS when scrolled away, an IntersectionObserver tells), through
 * the page's redraw queue (animation frames with a time budget, nothing while the tab is hidden).
 */
export function LineChart<S>(props: LineChartProps<S>) {
  const { title, caption, height = 190, emptyText = 'No data yet — press Start.', seriesKey = '', children, className, testId } = props;
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;
  const [empty, setEmpty] = useState(true);
  const scheme = useColourScheme();

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const p = propsRef.current;
    const axisStroke = cssColour('--muted', '#8d99b0');
    const gridStroke = cssColour('--grid', 'rgba(141, 153, 176, 0.14)');
    const axis = (label: string, extra: Partial<uPlot.Axis> = {}): uPlot.Axis => ({
      label,
      stroke: axisStroke,
      grid: { stroke: gridStroke, width: 1 },
      ticks: { stroke: gridStroke, width: 1 },
      values: axisValues,
      labelSize: 18,
      font: '11px system-ui, sans-serif',
      labelFont: '11px system-ui, sans-serif',
      ...extra,
    });
    const opts: uPlot.Options = {
      width: Math.max(120, host.clientWidth),
      height,
      legend: { live: true },
      hooks: {
        // Without a hovered point, the legend shows the latest values.
        setCursor: [
          (u) => {
            const n = u.data[0]?.length ?? 0;
            if (u.cursor.idx == null && n > 0) u.setLegend({ idx: n - 1 });
          },
        ],
      },
      cursor: { drag: { x: true, y: false, setScale: true } },
      scales: {
        x: { time: false },
        y: p.yRange ? { range: p.yRange } : {},
      },
      axes: [axis(p.xLabel ?? 'step'), axis(p.yLabel, { size: 52 })],
      series: [
        { label: p.xLabel ?? 'step', value: (_u, v) => (v == null ? '–' : String(Math.round(v))) },
        ...p.series.map<uPlot.Series>((s) => ({
          label: s.label,
          stroke: s.stroke,
          width: s.width ?? 1.5,
          dash: s.dash,
          // Points (filled) where they are sparse: a single evaluation is a dot, not nothing.
          points: { size: 6, fill: s.stroke },
          spanGaps: s.spanGaps ?? false,
          value: (_u, v) => (v == null ? '–' : (s.fmt ?? ((x: number) => fmtNum(x, 4)))(v)),
        })),
      ],
    };

    const source = p.source;
    const initial = fitColumns(p.data(source.getState()), p.series.length + 1);
    const u = new uPlot(opts, initial, host);
    plotRef.current = u;
    if (initial[0]!.length > 0) u.setLegend({ idx: initial[0]!.length - 1 });
    setEmpty(initial[0]!.length === 0);

    let lastVersion = p.version(source.getState());
    let dirty = false;
    let onScreen = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let queued = false;
    let lastDraw = 0;
    const redraw = () => {
      queued = false;
      if (!dirty) return;
      dirty = false;
      lastDraw = performance.now();
      const d = fitColumns(propsRef.current.data(source.getState()), u.series.length);
      u.setData(d);
      const n = d[0]!.length;
      if (n > 0 && (u.cursor.idx == null || (u.cursor.left ?? -1) < 0)) u.setLegend({ idx: n - 1 });
      setEmpty(n === 0);
    };
    const scheduleRedraw = () => {
      if (timer !== undefined || queued) return;
      const gap = onScreen ? MIN_REDRAW_MS : OFFSCREEN_REDRAW_MS;
      timer = setTimeout(() => {
        timer = undefined;
        queued = true;
        enqueueRedraw(redraw);
      }, Math.max(0, gap - (performance.now() - lastDraw)));
    };
    const unsubscribe = source.subscribe((s) => {
      const v = propsRef.current.version(s);
      if (v === lastVersion) return;
      lastVersion = v;
      dirty = true;
      scheduleRedraw();
    });
    const io = new IntersectionObserver((entries) => {
      onScreen = entries.some((e) => e.isIntersecting);
      if (onScreen && dirty) {
        // Back on screen: catch up now rather than at the slow off-screen pace.
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        scheduleRedraw();
      }
    });
    io.observe(host);

    let lastWidth = host.clientWidth;
    const ro = new ResizeObserver(() => {
      const w = Math.max(120, host.clientWidth);
      if (w === lastWidth) return;
      lastWidth = w;
      u.setSize({ width: w, height });
    });
    ro.observe(host);

    return () => {
      unsubscribe();
      io.disconnect();
      ro.disconnect();
      if (timer !== undefined) clearTimeout(timer);
      cancelRedraw(redraw);
      plotRef.current = null;
      u.destroy();
    };
  }, [height, seriesKey, scheme]);

  const exportCsv = () => {
    const p = propsRef.current;
    const text = chartCsv(p.xLabel ?? 'step', p.series.map((s) => s.label), p.data(p.source.getState()));
    downloadBlob(new Blob([text], { type: 'text/csv' }), exportFileName(p.title, 'csv'));
  };
  const exportPng = () => {
    const p = propsRef.current;
    const canvas = plotRef.current?.ctx.canvas;
    if (!canvas) return;
    chartPng(canvas, p.title, p.series.map((s) => ({ label: s.label, colour: s.stroke })), { bg: cssColour('--panel', '#141a27'), text: cssColour('--text', '#dbe2ee') })
      .then((blob) => downloadBlob(blob, exportFileName(p.title, 'png')))
      .catch((e: unknown) => reportError(e instanceof Error ? e.message : String(e), `export ${p.title}`));
  };

  return (
    <figure className={className ? `card chart-card ${className}` : 'card chart-card'} data-testid={testId ?? `chart-${slug(title)}`}>
      <figcaption>
        <div className="chart-head">
          <h3 className="card-title">{title}</h3>
          <span className="chart-exports">
            <button type="button" className="link-button" onClick={exportCsv} title={`Download the data of “${title}” as CSV`} aria-label={`Download ${title} as CSV`}>
              CSV
            </button>
            <button type="button" className="link-button" onClick={exportPng} disabled={empty} title={`Download “${title}” as a PNG image`} aria-label={`Download ${title} as PNG`}>
              PNG
            </button>
          </span>
        </div>
        <p className="card-caption">{caption}</p>
      </figcaption>
      {children}
      <div className="chart-wrap">
        <div className="chart-host" ref={hostRef} />
        {empty ? <div className="chart-empty">{emptyText}</div> : null}
      </div>
    </figure>
  );
}
