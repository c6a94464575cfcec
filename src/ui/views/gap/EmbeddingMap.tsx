// The live embedding map: the probe pairs of the step on the timeline, projected by the gap-lab
// worker (PCA 2-D, the 3-D sphere, or UMAP on demand), drawn on a canvas. Hover names a pair
// (caption, thumbnail, its cosine); drag rotates the sphere.
import { useContainerWidth, prepareCanvas } from '../../canvas';
import { useEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import { toCsv } from '../../chartExport';
import { fmtFixed, fmtPct, truncate } from '../../format';
import { cancelGapLab, gapLabRequest, syncRecording } from '../../gapLabClient';
import { reportError } from '../../stores/errorsStore';
import { shownRecording, useGap } from '../../stores/gapStore';
import { cssColour, useColourScheme } from '../../theme';
import { drawEmbedding, extentOf, pairAt, type MapFrame } from './drawEmbedding';
import { FigureExports } from './FigureExports';
import { useGapView, MODALITY_COLOUR_VARS, type MapMode } from './gapViewStore';
import { ProbeThumb } from './ProbeThumb';
import { newRequestId } from '../../../protocol/requests';

const MODES: { id: MapMode; label: string; title: string }[] = [
  { id: 'pca2', label: 'PCA 2-D', title: 'Centred principal components of all image and caption embeddings of the step' },
  { id: 'sphere3', label: 'Sphere 3-D', title: 'The top three second-moment axes, each point renormalised onto the unit sphere; drag to rotate' },
  { id: 'umap', label: 'UMAP', title: 'A seeded UMAP of one step (computed on demand in a worker)' },
];

export function modalityColours() {
  return { image: cssColour(...MODALITY_COLOUR_VARS.image), text: cssColour(...MODALITY_COLOUR_VARS.text) };
}

export function EmbeddingMap() {
  const rec = useGap((s) => shownRecording(s));
  const selected = useGap((s) => s.selected);
  const { mode, basis, showLines, yaw, pitch, projection, umap, umapProgress, set } = useGapView();
  const scheme = useColourScheme();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const screenRef = useRef<Float32Array>(new Float32Array(0));
  const dragRef = useRef<{ x: number; y: number } | null>(null);
  const [wrapRef, width] = useContainerWidth(520, 240);
  const [hover, setHover] = useState<{ pair: number; x: number; y: number } | null>(null);

  const snapshots = rec?.snapshots ?? [];
  const index = selected ?? snapshots.length - 1;
  const snap = snapshots[index];
  const probe = rec?.probe ?? null;
  const basisStep = basis === 'perStep' ? 'perStep' : basis === 'first' ? (snapshots[0]?.step ?? 0) : (snapshots.at(-1)?.step ?? 0);


  // The worker projects every recorded step whenever a step arrives or the mode or basis changes.
  useEffect(() => {
    if (!rec || rec.snapshots.length === 0) return;
    syncRecording(rec);
    if (mode === 'umap') return;
    let stale = false;
    gapLabRequest<'projection'>({ type: 'project', ownerId: rec.ownerId, mode, basisStep })
      .then((r) => {
        if (!stale) set({ projection: r.projection });
      })
      .catch((e: unknown) => reportError(e instanceof Error ? e.message : String(e), 'gap lab'));
    return () => {
      stale = true;
    };
  }, [rec, mode, basisStep]);

  const frame: MapFrame | null = useMemo(() => {
    if (!snap) return null;
    if (mode === 'umap') return umap && umap.ownerId === rec?.ownerId && umap.step === snap.step ? { points: umap.points, centroids: null, k: 2 } : null;
    const p = projection?.mode === mode ? projection.steps.find((s) => s.step === snap.step) : undefined;
    return p ? { points: p.points, centroids: p.centroids, k: mode === 'sphere3' ? 3 : 2 } : null;
  }, [snap, mode, umap, projection, rec?.ownerId]);

  const extent = useMemo(() => {
    if (!frame || frame.k === 3) return extentOf([]);
    if (mode === 'pca2' && projection && projection.basisStep !== null) return extentOf(projection.steps.flatMap((s) => [s.points, s.centroids]));
    return extentOf([frame.points]);
  }, [frame, projection, mode]);

  const height = Math.round(Math.min(560, Math.max(260, width * 0.72)));
  const projStep = projection?.steps.find((s) => s.step === snap?.step);
  const axisLabels =
    mode === 'umap' ? ['UMAP 1 ↔, UMAP 2 ↕'] : projStep ? projStep.explained.slice(0, mode === 'sphere3' ? 3 : 2).map((e, i) => `axis ${i + 1}: ${fmtPct(e, 0)} of the ${mode === 'sphere3' ? 'second moment' : 'variance'}`) : [];

  useEffect(() => {
    const ctx = prepareCanvas(canvasRef.current, width, height);
    if (!ctx) return;
    const bg = cssColour('--inset', '#0f1420');
    if (!frame) {
      ctx.fillStyle = bg;
      ctx.fillRect(0, 0, width, height);
      screenRef.current = new Float32Array(0);
      return;
    }
    const m = modalityColours();
    screenRef.current = drawEmbedding(ctx, frame, {
      width,
      height,
      extent,
      yaw,
      pitch,
      showLines,
      hover: hover?.pair ?? -1,
      axisLabels,
      colours: { image: m.image, text: m.text, line: cssColour('--muted', '#8d99b0'), grid: cssColour('--grid', 'rgba(141,153,176,0.14)'), text2: cssColour('--text', '#dbe2ee'), bg },
    });
  }, [frame, extent, width, height, yaw, pitch, showLines, hover?.pair, scheme, axisLabels.join('|')]);

  const runUmap = () => {
    if (!rec || !snap) return;
    syncRecording(rec);
    const requestId = newRequestId('u');
    set({ umapProgress: { done: 0, total: 1, requestId } });
    gapLabRequest<'umap'>({ type: 'umap', requestId, ownerId: rec.ownerId, step: snap.step, seed: 42, nNeighbors: 15 }, (p) => set({ umapProgress: { done: p.done, total: p.total, requestId } }))
      .then((r) => set({ umap: { ownerId: rec.ownerId, step: r.step, points: r.points }, umapProgress: null }))
      .catch((e: unknown) => {
        set({ umapProgress: null });
        if (!(e as { cancelled?: boolean }).cancelled) reportError(e instanceof Error ? e.message : String(e), 'UMAP');
      });
  };

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (mode !== 'sphere3') return;
    dragRef.current = { x: e.clientX, y: e.clientY };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    if (dragRef.current) {
      const dx = e.clientX - dragRef.current.x;
      const dy = e.clientY - dragRef.current.y;
      dragRef.current = { x: e.clientX, y: e.clientY };
      set({ yaw: yaw + dx * 0.01, pitch: Math.max(-1.5, Math.min(1.5, pitch + dy * 0.01)) });
      return;
    }
    const pair = pairAt(screenRef.current, e.clientX - r.left, e.clientY - r.top);
    setHover(pair >= 0 ? { pair, x: e.clientX - r.left, y: e.clientY - r.top } : null);
  };
  const onPointerUp = () => {
    dragRef.current = null;
  };

  const csv = () => {
    if (!frame || !snap || !probe) return null;
    const n = snap.n;
    const k = frame.k;
    const rows = Array.from({ length: 2 * n }, (_, i) => i);
    const coord = (j: number) => rows.map((i) => frame.points[i * k + j]!);
    return toCsv(
      ['step', 'pair', 'modality', 'caption', 'x', 'y', ...(k === 3 ? ['z'] : [])],
      [rows.map(() => snap.step), rows.map((i) => i % n), rows.map((i) => (i < n ? 'image' : 'caption')), rows.map((i) => probe.captions[i % n]), ...Array.from({ length: k }, (_, j) => coord(j))],
    );
  };

  const hoverCos = useMemo(() => {
    if (!hover || !snap) return NaN;
    let s = 0;
    for (let k = 0; k < snap.d; k++) s += snap.u[hover.pair * snap.d + k]! * snap.v[hover.pair * snap.d + k]!;
    return s;
  }, [hover?.pair, snap]);

  const colours = modalityColours();
  const title = `Embeddings at step ${snap?.step ?? '–'} (${MODES.find((m) => m.id === mode)!.label})`;
  return (
    <section className="card gap-map-card" aria-label="Embedding map">
      <div className="chart-head">
        <h3 className="card-title">Image and caption embeddings</h3>
        <FigureExports
          title={title}
          canvas={() => canvasRef.current}
          csv={csv}
          disabled={!frame}
          legend={[
            { label: 'images', colour: colours.image },
            { label: 'captions', colour: colours.text },
          ]}
        />
      </div>
      <p className="card-caption">
        {probe ? `${probe.n} validation pairs of ${probe.datasetName}` : 'The probe pairs'}: each image (square) and its caption (disc) joined by a faint line; the large dots are the two means, the arrow the gap vector Δ = mean u − mean v.{' '}
        {mode === 'sphere3' ? 'Drag to rotate; the far side is dimmer.' : mode === 'umap' ? 'UMAP keeps neighbourhoods, not distances: use it to see clusters, PCA to see the gap.' : 'The axes hold still across steps unless "per step" is chosen, so what moves is the embeddings.'}
      </p>
      <div className="gap-toolbar" role="group" aria-label="Projection">
        <span className="seg gap-seg">
          {MODES.map((m) => (
            <button key={m.id} type="button" className={`seg-button${mode === m.id ? " seg-on" : ""}`} aria-pressed={mode === m.id} title={m.title} onClick={() => set({ mode: m.id })}>
              {m.label}
            </button>
          ))}
        </span>
        {mode !== 'umap' ? (
          <label className="field-inline">
            axes fitted on
            <select value={basis} onChange={(e) => set({ basis: e.target.value as typeof basis })} aria-label="Axes fitted on">
              <option value="newest">the newest step</option>
              <option value="first">the first step</option>
              <option value="perStep">each step (axes move)</option>
            </select>
          </label>
        ) : umapProgress ? (
          <span className="field-inline">
            UMAP {fmtPct(umapProgress.done / Math.max(1, umapProgress.total), 0)}
            <button type="button" className="btn btn-small" onClick={() => cancelGapLab(umapProgress.requestId)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="btn btn-small" disabled={!snap} onClick={runUmap}>
            {umap && snap && umap.step === snap.step && umap.ownerId === rec?.ownerId ? `Recompute UMAP of step ${snap.step}` : `Compute UMAP of step ${snap?.step ?? '–'}`}
          </button>
        )}
        <label className="field-inline">
          <input type="checkbox" checked={showLines} onChange={(e) => set({ showLines: e.target.checked })} /> pair lines
        </label>
        <span className="legend-chip">
          <span className="swatch swatch-square" style={{ background: colours.image }} /> images
        </span>
        <span className="legend-chip">
          <span className="swatch swatch-disc" style={{ background: colours.text }} /> captions
        </span>
      </div>
      <div className="gap-map-wrap" ref={wrapRef}>
        <canvas
          ref={canvasRef}
          className={`gap-map${mode === 'sphere3' ? ' gap-map-rotate' : ''}`}
          data-testid="gap-map"
          role="img"
          aria-label={snap ? `${snap.n} images and ${snap.n} captions at step ${snap.step}` : 'No recording yet'}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={() => setHover(null)}
        />
        {!snap ? <div className="gap-map-empty">The map appears with the first recording: press Start (step 0 is recorded before the first update), or choose a stored model.</div> : null}
        {snap && !frame && mode === 'umap' && !umapProgress ? <div className="gap-map-empty">Compute a UMAP of this step (a few seconds).</div> : null}
        {hover && probe && snap ? (
          <div className="gap-tip" style={{ left: Math.min(hover.x + 14, width - 250), top: Math.min(hover.y + 14, height - 110) }}>
            <ProbeThumb probe={probe} index={hover.pair} size={56} />
            <div>
              <div>
                <span className="muted">pair {hover.pair}</span> {probe.labels[hover.pair]! >= 0 ? <span className="muted">· {probe.classNames[probe.labels[hover.pair]!]}</span> : null}
              </div>
              <div className="gap-tip-caption">“{truncate(probe.captions[hover.pair] ?? '', 120)}”</div>
              <div>
                <span className="muted">cos(u, v)</span> <strong>{fmtFixed(hoverCos, 3)}</strong>
              </div>
            </div>
          </div>
        ) : null}
      </div>
    </section>
  );
}
