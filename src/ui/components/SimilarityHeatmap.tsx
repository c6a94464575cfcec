import { useContainerWidth, prepareCanvas } from '../canvas';
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { chartPng, exportFileName, matrixCsv } from '../chartExport';
import { downloadBlob } from '../download';
import { reportError } from '../stores/errorsStore';
import { cssColour, useColourScheme } from '../theme';

const TITLE = 'Similarity at the last evaluation (u_i · v_j)';
import { fmtFixed, truncate } from '../format';
import { useTelemetry, type SimilaritySnapshot } from '../stores/telemetryStore';

// Diverging colour map for cosines in [-1, 1]: blue (negative) → dark (0) → orange (positive).
const STOPS: [number, [number, number, number]][] = [
  [-1, [74, 144, 226]],
  [-0.5, [44, 78, 130]],
  [0, [29, 35, 51]],
  [0.5, [150, 66, 40]],
  [1, [255, 138, 76]],
];
const HEATMAP_GRADIENT = `linear-gradient(to right, ${STOPS.map(([v, c]) => `rgb(${c.join(',')}) ${((v + 1) / 2) * 100}%`).join(', ')})`;

function colour(v: number): string {
  if (!Number.isFinite(v)) return '#000';
  const x = Math.max(-1, Math.min(1, v));
  for (let k = 1; k < STOPS.length; k++) {
    const [v1, c1] = STOPS[k]!;
    if (x <= v1) {
      const [v0, c0] = STOPS[k - 1]!;
      const t = (x - v0) / (v1 - v0);
      return `rgb(${Math.round(c0[0] + t * (c1[0] - c0[0]))},${Math.round(c0[1] + t * (c1[1] - c0[1]))},${Math.round(c0[2] + t * (c1[2] - c0[2]))})`;
    }
  }
  const c = STOPS[STOPS.length - 1]![1];
  return `rgb(${c.join(',')})`;
}

interface Layout {
  labelW: number;
  top: number;
  cell: number;
  size: number;
  width: number;
  height: number;
}

function layoutFor(width: number, n: number): Layout {
  const top = 18;
  // The matrix takes up to ~65 % of the width (cells 2..22 px); captions get the rest.
  const cell = Math.max(2, Math.min(22, Math.floor((width * 0.65) / Math.max(1, n))));
  const size = cell * n;
  const labelW = Math.min(320, Math.max(90, width - size - 8));
  return { labelW, top, cell, size, width, height: top + size + 4 };
}

function draw(canvas: HTMLCanvasElement, sim: SimilaritySnapshot, L: Layout): void {
  const ctx = prepareCanvas(canvas, L.width, L.height);
  if (!ctx) return;
  const { n, values, captions } = sim;
  const x0 = L.labelW;
  const y0 = L.top;

  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      ctx.fillStyle = colour(values[i * n + j]!);
      ctx.fillRect(x0 + j * L.cell, y0 + i * L.cell, L.cell, L.cell);
    }
  }
  // Diagonal = positive pairs.
  ctx.strokeStyle = 'rgba(255,255,255,0.9)';
  ctx.lineWidth = L.cell >= 8 ? 1.25 : 0.75;
  for (let i = 0; i < n; i++) ctx.strokeRect(x0 + i * L.cell + 0.5, y0 + i * L.cell + 0.5, L.cell - 1, L.cell - 1);

  // Row labels (captions) and column indices, in the page's text colours (dark or light scheme).
  ctx.fillStyle = cssColour('--text', '#dbe2ee');
  ctx.textBaseline = 'middle';
  const fs = Math.min(11, Math.max(7, L.cell - 2));
  ctx.font = `${fs}px system-ui, sans-serif`;
  const maxChars = Math.max(6, Math.floor((L.labelW - 10) / (fs * 0.52)));
  const labelEvery = Math.ceil(8 / L.cell);
  ctx.textAlign = 'right';
  for (let i = 0; i < n; i += labelEvery) {
    ctx.fillText(truncate(captions[i] ?? `#${i}`, maxChars), x0 - 6, y0 + (i + 0.5) * L.cell);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = cssColour('--muted', '#8d99b0');
  const colEvery = Math.ceil(18 / L.cell);
  for (let j = 0; j < n; j += colEvery) ctx.fillText(String(j), x0 + (j + 0.5) * L.cell, y0 - 5);
}

export function SimilarityHeatmap() {
  const sim = useTelemetry((s) => s.similarity);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [wrapRef, width] = useContainerWidth(480, 200);
  const [hover, setHover] = useState<{ i: number; j: number; x: number; y: number } | null>(null);


  const layout = sim ? layoutFor(width, sim.n) : null;

  const scheme = useColourScheme();
  useEffect(() => {
    if (sim && layout && canvasRef.current) draw(canvasRef.current, sim, layout);
  }, [sim, width, scheme]);

  const exportCsv = () => {
    if (!sim) return;
    downloadBlob(new Blob([matrixCsv('image \\ caption', sim.captions, sim.values, sim.n)], { type: 'text/csv' }), exportFileName(`similarity-step-${sim.step}`, 'csv'));
  };
  const exportPng = () => {
    const canvas = canvasRef.current;
    if (!sim || !canvas) return;
    chartPng(canvas, `${TITLE}, step ${sim.step}`, [], { bg: cssColour('--panel', '#141a27'), text: cssColour('--text', '#dbe2ee') })
      .then((blob) => downloadBlob(blob, exportFileName(`similarity-step-${sim.step}`, 'png')))
      .catch((e: unknown) => reportError(e instanceof Error ? e.message : String(e), 'export similarity'));
  };

  const onMove = (e: MouseEvent<HTMLCanvasElement>) => {
    if (!sim || !layout) return;
    const r = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const j = Math.floor((x - layout.labelW) / layout.cell);
    const i = Math.floor((y - layout.top) / layout.cell);
    if (i >= 0 && j >= 0 && i < sim.n && j < sim.n) setHover({ i, j, x, y });
    else setHover(null);
  };

  return (
    <section className="card heatmap-card" aria-label="Similarity matrix">
      <div className="chart-head">
        <h3 className="card-title">{TITLE}</h3>
        <span className="chart-exports">
          <button type="button" className="link-button" disabled={!sim} onClick={exportCsv} aria-label="Download the similarity matrix as CSV" title="The matrix as CSV: rows are images, columns captions, each labelled by its caption">
            CSV
          </button>
          <button type="button" className="link-button" disabled={!sim} onClick={exportPng} aria-label="Download the similarity matrix as PNG">
            PNG
          </button>
        </span>
      </div>
      <p className="card-caption">
        Cosine between image i (rows, labelled by its caption) and caption j (columns) of {sim ? `${sim.n} pairs of the training batch at step ${sim.step}` : 'pairs of the training batch'}, taken at
        each evaluation. Training pushes the outlined diagonal — the true pairs — up and everything else down.
      </p>
      <div className="heatmap-wrap" ref={wrapRef}>
        {sim && layout ? (
          <>
            <canvas ref={canvasRef} className="heatmap-canvas" onMouseMove={onMove} onMouseLeave={() => setHover(null)} aria-label={`${sim.n} by ${sim.n} similarity matrix at step ${sim.step}`} role="img" />
            {hover ? (
              <div className="heatmap-tip" style={{ left: Math.min(hover.x + 12, width - 220), top: hover.y + 12 }}>
                <div>
                  <span className="muted">image</span> {hover.i}: {truncate(sim.captions[hover.i] ?? "", 90)}
                </div>
                <div>
                  <span className="muted">caption</span> {hover.j}: {truncate(sim.captions[hover.j] ?? "", 90)}
                </div>
                <div>
                  <span className="muted">cos</span> <strong>{fmtFixed(sim.values[hover.i * sim.n + hover.j], 3)}</strong>
                  {hover.i === hover.j ? <span className="badge badge-ok">positive pair</span> : null}
                </div>
              </div>
            ) : null}
          </>
        ) : (
          <div className="heatmap-empty">Appears after the first evaluation.</div>
        )}
      </div>
      <div className="heatmap-legend">
        <span>−1</span>
        <div className="heatmap-gradient" style={{ background: HEATMAP_GRADIENT }} />
        <span>+1</span>
        {sim ? <span className="muted heatmap-step">step {sim.step} · {sim.n} pairs</span> : null}
      </div>
    </section>
  );
}
