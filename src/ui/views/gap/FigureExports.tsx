// PNG and CSV links for a figure drawn on a canvas (the PNG is the canvas with the figure's title and
// legend, chartPng; the CSV the numbers behind it), and the legend shown under such a figure.
import { chartPng, exportFileName, type PngLegendItem } from '../../chartExport';
import { downloadBlob } from '../../download';
import { reportError } from '../../stores/errorsStore';
import { cssColour } from '../../theme';

export interface FigureExportsProps {
  /** File names and the PNG's title line. */
  title: string;
  canvas: () => HTMLCanvasElement | null;
  csv: () => string | null;
  legend?: readonly PngLegendItem[];
  disabled?: boolean;
}

export function FigureExports({ title, canvas, csv, legend = [], disabled }: FigureExportsProps) {
  const onCsv = () => {
    const text = csv();
    if (text !== null) downloadBlob(new Blob([text], { type: 'text/csv' }), exportFileName(title, 'csv'));
  };
  const onPng = () => {
    const c = canvas();
    if (!c) return;
    chartPng(c, title, legend, { bg: cssColour('--panel', '#141a27'), text: cssColour('--text', '#dbe2ee') })
      .then((blob) => downloadBlob(blob, exportFileName(title, 'png')))
      .catch((e: unknown) => reportError(e instanceof Error ? e.message : String(e), `export ${title}`));
  };
  return (
    <span className="chart-exports">
      <button type="button" className="link-button" disabled={disabled} onClick={onCsv} aria-label={`Download ${title} as CSV`}>
        CSV
      </button>
      <button type="button" className="link-button" disabled={disabled} onClick={onPng} aria-label={`Download ${title} as PNG`}>
        PNG
      </button>
    </span>
  );
}

/** The figure's legend on the page (the same items the PNG draws). */
export function FigureLegend({ items }: { items: readonly PngLegendItem[] }) {
  return (
    <div className="gap-legend">
      {items.map((l) => (
        <span key={l.label} className="legend-chip">
          <span className="swatch" style={{ background: l.colour }} /> {l.label}
        </span>
      ))}
    </div>
  );
}
