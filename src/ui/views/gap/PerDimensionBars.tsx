// The per-dimension gap |mean u_d − mean v_d| of the step on the timeline, one bar per embedding
// dimension, the largest named: a gap carried by a few dimensions shows as a few tall bars.
import { useContainerWidth, prepareCanvas } from '../../canvas';
import { useEffect, useRef } from 'react';
import { toCsv } from '../../chartExport';
import { fmtFixed } from '../../format';
import { shownRecording, useGap } from '../../stores/gapStore';
import { cssColour, useColourScheme } from '../../theme';
import { FigureExports } from './FigureExports';

export const TOP_DIMENSIONS = 5;

/** Indices of the k largest values, largest first. */
export function topIndices(x: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: x.length }, (_, i) => i)
    .sort((a, b) => x[b]! - x[a]!)
    .slice(0, k);
}

export function PerDimensionBars() {
  const rec = useGap((s) => shownRecording(s));
  const selected = useGap((s) => s.selected);
  const snap = rec?.snapshots[selected ?? (rec?.snapshots.length ?? 0) - 1];
  const scheme = useColourScheme();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [wrapRef, width] = useContainerWidth(480, 200);
  const H = 170;


  const per = snap?.metrics.perDimension;
  const top = per ? topIndices(per, TOP_DIMENSIONS) : [];
  useEffect(() => {
    const ctx = prepareCanvas(canvasRef.current, width, H);
    if (!ctx) return;
    if (!per) return;
    const d = per.length;
    const left = 36;
    const bottom = 18;
    const top = 16;
    const max = Math.max(...per, 1e-9);
    const bw = (width - left - 6) / d;
    const ink = cssColour('--muted', '#8d99b0');
    ctx.strokeStyle = cssColour('--grid', 'rgba(141,153,176,0.14)');
    ctx.fillStyle = ink;
    ctx.font = '10px system-ui, sans-serif';
    for (const f of [0, 0.5, 1]) {
      const y = H - bottom - f * (H - bottom - top);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(width, y);
      ctx.stroke();
      ctx.fillText(fmtFixed(f * max, 3), 2, y + 3);
    }
    const topSet = new Set(topIndices(per, TOP_DIMENSIONS));
    for (let k = 0; k < d; k++) {
      const h = (per[k]! / max) * (H - bottom - top);
      ctx.fillStyle = topSet.has(k) ? cssColour('--accent-2', '#f0a35b') : cssColour('--accent', '#5b8def');
      ctx.fillRect(left + k * bw + 0.5, H - bottom - h, Math.max(1, bw - 1), h);
      if (topSet.has(k)) {
        ctx.fillStyle = cssColour('--text', '#dbe2ee');
        ctx.textAlign = 'center';
        ctx.fillText(`d${k}`, left + (k + 0.5) * bw, H - bottom - h - 3);
        ctx.textAlign = 'left';
      }
    }
    ctx.fillStyle = ink;
    ctx.fillText('dimension →', left, H - 4);
  }, [per, width, scheme]);

  const share = per ? top.reduce((s, k) => s + per[k]! ** 2, 0) / per.reduce((s, x) => s + x * x, 0) : NaN;
  return (
    <section className="card" aria-label="Per-dimension gap">
      <div className="chart-head">
        <h3 className="card-title">Per-dimension gap at step {snap?.step ?? '–'}</h3>
        <FigureExports
          title={`Per-dimension gap at step ${snap?.step ?? ''}`}
          canvas={() => canvasRef.current}
          csv={() => (per ? toCsv(['dimension', 'abs mean difference'], [Array.from(per, (_, k) => k), Array.from(per)]) : null)}
          disabled={!per}
        />
      </div>
      <p className="card-caption">
        |mean u_d − mean v_d| for each of the {per?.length ?? 'D'} dimensions; ‖Δ‖² is the sum of their squares.
        {per ? ` The top ${TOP_DIMENSIONS} (${top.map((k) => `d${k}`).join(', ')}) carry ${fmtFixed(100 * share, 0)} % of ‖Δ‖².` : ''}
      </p>
      <div ref={wrapRef}>
        <canvas ref={canvasRef} role="img" aria-label="Per-dimension gap bars" />
      </div>
    </section>
  );
}
