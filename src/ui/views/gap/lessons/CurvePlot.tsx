// A small canvas plot of a few curves over a shared x (the lessons' figures), with a marker line,
// its legend, and PNG and CSV exports.
import { useContainerWidth, prepareCanvas } from '../../../canvas';
import { useEffect, useRef } from 'react';
import { toCsv } from '../../../chartExport';
import { fmtNum } from '../../../format';
import { cssColour, useColourScheme } from '../../../theme';
import { FigureExports, FigureLegend } from '../FigureExports';

export interface Curve {
  label: string;
  colour: string;
  y: readonly number[];
  dash?: number[];
}

export interface CurvePlotProps {
  title: string;
  x: readonly number[];
  curves: readonly Curve[];
  xLabel: string;
  yLabel: string;
  /** Vertical marker lines (e.g. the slider's value, a curve's minimum). */
  markers?: { x: number; colour: string; label?: string }[];
  height?: number;
  testId?: string;
}

export function CurvePlot({ title, x, curves, xLabel, yLabel, markers = [], height = 200, testId }: CurvePlotProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [wrapRef, width] = useContainerWidth(420, 220);
  const scheme = useColourScheme();


  useEffect(() => {
    const ctx = prepareCanvas(canvasRef.current, width, height);
    if (!ctx) return;
    if (x.length < 2) return;
    const L = 48;
    const R = 8;
    const T = 8;
    const B = 30;
    const ys = curves.flatMap((cv) => cv.y.filter(Number.isFinite));
    let y0 = Math.min(...ys);
    let y1 = Math.max(...ys);
    if (!(y1 > y0)) (y0 -= 0.5), (y1 += 0.5);
    const pad = 0.05 * (y1 - y0);
    y0 -= pad;
    y1 += pad;
    const x0 = x[0]!;
    const x1 = x.at(-1)!;
    // A few whole-numbered x (models, runs): a tick at each, not at quarter points.
    const categorical = x.length <= 12 && x.every((v) => Number.isInteger(v));
    const px = (v: number) => L + ((v - x0) / (x1 - x0)) * (width - L - R);
    const py = (v: number) => T + (1 - (v - y0) / (y1 - y0)) * (height - T - B);
    const ink = cssColour('--muted', '#8d99b0');
    ctx.strokeStyle = cssColour('--grid', 'rgba(141,153,176,0.14)');
    ctx.fillStyle = ink;
    ctx.font = '10px system-ui, sans-serif';
    ctx.lineWidth = 1;
    for (let k = 0; k <= 4; k++) {
      const yv = y0 + ((y1 - y0) * k) / 4;
      ctx.beginPath();
      ctx.moveTo(L, py(yv));
      ctx.lineTo(width - R, py(yv));
      ctx.stroke();
      ctx.textAlign = 'right';
      ctx.fillText(fmtNum(yv, 3), L - 4, py(yv) + 3);
      if (categorical) continue;
      const xv = x0 + ((x1 - x0) * k) / 4;
      ctx.textAlign = 'center';
      ctx.fillText(fmtNum(xv, 3), px(xv), height - B + 13);
    }
    if (categorical) {
      ctx.textAlign = 'center';
      for (const xv of x) ctx.fillText(String(xv), px(xv), height - B + 13);
    }
    ctx.fillText(xLabel, L + (width - L - R) / 2, height - 3);
    ctx.save();
    ctx.translate(10, T + (height - T - B) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(yLabel, 0, 0);
    ctx.restore();
    for (const cv of curves) {
      ctx.strokeStyle = cv.colour;
      ctx.lineWidth = 2;
      ctx.setLineDash(cv.dash ?? []);
      ctx.beginPath();
      let started = false;
      cv.y.forEach((v, i) => {
        if (!Number.isFinite(v)) return (started = false);
        if (!started) ctx.moveTo(px(x[i]!), py(v));
        else ctx.lineTo(px(x[i]!), py(v));
        started = true;
      });
      ctx.stroke();
    }
    ctx.setLineDash([]);
    for (const m of markers) {
      ctx.strokeStyle = m.colour;
      ctx.lineWidth = 1.2;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(px(m.x), T);
      ctx.lineTo(px(m.x), height - B);
      ctx.stroke();
      ctx.setLineDash([]);
      if (m.label) {
        ctx.fillStyle = m.colour;
        ctx.textAlign = px(m.x) > width - 90 ? 'right' : 'left';
        ctx.fillText(m.label, px(m.x) + (ctx.textAlign === 'right' ? -4 : 4), T + 10);
      }
    }
    ctx.textAlign = 'left';
  }, [x, curves, markers, width, height, scheme, xLabel, yLabel]);

  const legend = curves.map((c) => ({ label: c.label, colour: c.colour }));
  return (
    <figure className="curve-plot" data-testid={testId}>
      <div className="chart-head">
        <figcaption className="curve-plot-title">{title}</figcaption>
        <FigureExports title={title} canvas={() => canvasRef.current} csv={() => toCsv([xLabel, ...curves.map((c) => c.label)], [x, ...curves.map((c) => c.y)])} legend={legend} disabled={x.length < 2} />
      </div>
      <div ref={wrapRef}>
        <canvas ref={canvasRef} role="img" aria-label={title} />
      </div>
      <FigureLegend items={legend} />
    </figure>
  );
}
