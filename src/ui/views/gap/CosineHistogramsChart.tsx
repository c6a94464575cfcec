// Histograms of cosines at the step on the timeline (computed by the gap-lab worker): true pairs,
// negatives (an image with another image's caption), image–image and caption–caption.
import { useContainerWidth, prepareCanvas } from '../../canvas';
import { useEffect, useRef, useState } from 'react';
import { COSINE_KINDS, type CosineHistograms, type CosineKind } from '../../../lab/cosineHistograms';
import { toCsv } from '../../chartExport';
import { fmtFixed } from '../../format';
import { gapLabRequest, syncRecording } from '../../gapLabClient';
import { reportError } from '../../stores/errorsStore';
import { shownRecording, useGap } from '../../stores/gapStore';
import { cssColour, useColourScheme } from '../../theme';
import { FigureExports, FigureLegend } from './FigureExports';

const KIND_LABEL: Record<CosineKind, string> = { pairs: 'true pairs u_i·v_i', negatives: 'negatives u_i·v_j', imageImage: 'image–image', textText: 'caption–caption' };
const KIND_COLOUR: Record<CosineKind, string> = { pairs: '#4fc08d', negatives: '#ef5b6b', imageImage: '#f0a35b', textText: '#5b8def' };

export function CosineHistogramsChart() {
  const rec = useGap((s) => shownRecording(s));
  const selected = useGap((s) => s.selected);
  const snap = rec?.snapshots[selected ?? (rec?.snapshots.length ?? 0) - 1];
  const [hist, setHist] = useState<{ key: string; h: CosineHistograms } | null>(null);
  const scheme = useColourScheme();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [wrapRef, width] = useContainerWidth(480, 200);
  const H = 190;
  const key = rec && snap ? `${rec.ownerId}:${snap.step}` : '';


  useEffect(() => {
    if (!rec || !snap || hist?.key === key) return;
    let stale = false;
    // Scrubbing fast: wait for the slider to rest before asking.
    const t = setTimeout(() => {
      syncRecording(rec);
      gapLabRequest<'histograms'>({ type: 'histograms', ownerId: rec.ownerId, step: snap.step })
        .then((r) => !stale && setHist({ key, h: r.histograms }))
        .catch((e: unknown) => reportError(e instanceof Error ? e.message : String(e), 'gap lab'));
    }, 120);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [key]);

  const h = hist?.h;
  useEffect(() => {
    const ctx = prepareCanvas(canvasRef.current, width, H);
    if (!ctx) return;
    if (!h) return;
    const left = 8;
    const bottom = 18;
    const top = 8;
    const max = Math.max(...COSINE_KINDS.flatMap((k) => Array.from(h.shares[k])), 1e-9);
    const bw = (width - 2 * left) / h.bins;
    const ink = cssColour('--muted', '#8d99b0');
    ctx.fillStyle = ink;
    ctx.font = '10px system-ui, sans-serif';
    ctx.strokeStyle = cssColour('--grid', 'rgba(141,153,176,0.14)');
    for (const x of [-1, -0.5, 0, 0.5, 1]) {
      const px = left + ((x + 1) / 2) * (width - 2 * left);
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, H - bottom);
      ctx.stroke();
      ctx.textAlign = x === -1 ? 'left' : x === 1 ? 'right' : 'center';
      ctx.fillText(String(x), px, H - 4);
    }
    ctx.textAlign = 'left';
    for (const k of COSINE_KINDS) {
      ctx.strokeStyle = KIND_COLOUR[k];
      ctx.fillStyle = KIND_COLOUR[k];
      ctx.lineWidth = 1.8;
      ctx.beginPath();
      for (let b = 0; b < h.bins; b++) {
        const y = H - bottom - (h.shares[k][b]! / max) * (H - bottom - top);
        const x0 = left + b * bw;
        if (b === 0) ctx.moveTo(x0, H - bottom);
        ctx.lineTo(x0, y);
        ctx.lineTo(x0 + bw, y);
      }
      ctx.lineTo(left + h.bins * bw, H - bottom);
      ctx.stroke();
      ctx.globalAlpha = 0.12;
      ctx.fill();
      ctx.globalAlpha = 1;
    }
  }, [h, width, scheme]);

  const csv = () => {
    if (!h) return null;
    const lo = Array.from({ length: h.bins }, (_, b) => -1 + (2 * b) / h.bins);
    return toCsv(['bin start', ...COSINE_KINDS.map((k) => KIND_LABEL[k])], [lo, ...COSINE_KINDS.map((k) => Array.from(h.shares[k]))]);
  };
  const legend = COSINE_KINDS.map((k) => ({ label: `${KIND_LABEL[k]} (mean ${h ? fmtFixed(h.means[k], 2) : '–'})`, colour: KIND_COLOUR[k] }));
  return (
    <section className="card" aria-label="Cosine histograms">
      <div className="chart-head">
        <h3 className="card-title">Cosines at step {snap?.step ?? '–'}</h3>
        <FigureExports title={`Cosine histograms at step ${snap?.step ?? ''}`} canvas={() => canvasRef.current} csv={csv} legend={legend} disabled={!h} />
      </div>
      <p className="card-caption">
        Share of values per bin over [−1, 1]. With a gap, true pairs and negatives alike sit below the within-modality cosines: every caption is nearer the other captions than its own image.
      </p>
      <div ref={wrapRef}>
        <canvas ref={canvasRef} role="img" aria-label="Cosine histograms" />
      </div>
      <FigureLegend items={legend} />
    </section>
  );
}
