// Exports of what a chart shows: CSV of its data columns (x first, one column per series; empty
// cells for missing points) and PNG of the plot with its title and legend drawn in. File names say
// what the data is: `clip-lab-<chart>-<date>.csv`.
import type uPlot from 'uplot';

/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(v: unknown): string {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of named columns as CSV text (header line first; CRLF line ends). */
export function toCsv(header: readonly string[], columns: readonly ArrayLike<unknown>[]): string {
  const n = columns.reduce((m, c) => Math.max(m, c.length), 0);
  const lines = [header.map(csvField).join(',')];
  for (let i = 0; i < n; i++) lines.push(columns.map((c) => csvField(c[i])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A chart's aligned data as CSV: x label, then the series labels. */
export function chartCsv(xLabel: string, seriesLabels: readonly string[], data: uPlot.AlignedData): string {
  return toCsv([xLabel, ...seriesLabels], data as unknown as ArrayLike<number | null>[]);
}

/** An n×n row-major matrix as CSV: a corner label, the column labels, then one labelled row each. */
export function matrixCsv(corner: string, labels: readonly string[], values: ArrayLike<number>, n: number): string {
  const rowLabels = Array.from({ length: n }, (_, i) => labels[i] ?? `#${i}`);
  const columns = Array.from({ length: n }, (_, j) => Array.from({ length: n }, (_, i) => values[i * n + j]!));
  return toCsv([corner, ...rowLabels], [rowLabels, ...columns]);
}

/** "Zero-shot accuracy" → "zero-shot-accuracy" (file names). */
export function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'chart'
  );
}

export function exportFileName(what: string, ext: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return `clip-lab-${slug(what)}-${stamp}.${ext}`;
}

export interface PngLegendItem {
  label: string;
  colour: string;
}

/** The plot canvas with a title line above and a legend line below, on the page's background. */
export async function chartPng(plot: HTMLCanvasElement, title: string, legend: readonly PngLegendItem[], colours: { bg: string; text: string }): Promise<Blob> {
  const ratio = plot.width / Math.max(1, plot.clientWidth || plot.width);
  const pad = Math.round(10 * ratio);
  const titleH = Math.round(22 * ratio);
  const legendH = Math.round(20 * ratio);
  const out = document.createElement('canvas');
  out.width = plot.width + 2 * pad;
  out.height = plot.height + titleH + legendH + 2 * pad;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw a PNG of the chart (no 2D canvas)');
  ctx.fillStyle = colours.bg;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = colours.text;
  ctx.font = `600 ${Math.round(14 * ratio)}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillText(title, pad, pad + titleH / 2);
  ctx.drawImage(plot, pad, pad + titleH);
  ctx.font = `${Math.round(11 * ratio)}px system-ui, sans-serif`;
  let x = pad;
  const y = pad + titleH + plot.height + legendH / 2;
  for (const item of legend) {
    ctx.fillStyle = item.colour;
    ctx.fillRect(x, y - 2 * ratio, 14 * ratio, 4 * ratio);
    x += 18 * ratio;
    ctx.fillStyle = colours.text;
    ctx.fillText(item.label, x, y);
    x += ctx.measureText(item.label).width + 16 * ratio;
  }
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('The chart could not be encoded as PNG'))), 'image/png'));
}
