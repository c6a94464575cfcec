// The 3-D sphere (Liang et al. 2022, their fig. 5): six pairs on the unit sphere, two of them
// mismatched; texts lifted to latitude Δθ. Loss curves at s = 100, 5, 1 and without the mismatch,
// a slider for Δθ with the points drawn on the sphere, and a live optimiser of Δθ (gradient descent
// on the loss at the chosen scale). Tiny float64 maths: it runs on the main thread in microseconds.
import { prepareCanvas } from '../../../canvas';
import { useEffect, useMemo, useRef, useState } from 'react';
import { sphereLoss, sphereLossCurve, spherePairs } from '../../../../lab/sphereLesson';
import { fmtFixed } from '../../../format';
import { cssColour, useColourScheme } from '../../../theme';
import { drawEmbedding } from '../drawEmbedding';
import { modalityColours } from '../EmbeddingMap';
import { CurvePlot } from './CurvePlot';
import { LessonCard } from './LessonCard';

const SCALES = [100, 5, 1] as const;
const COLOURS = ['#f0a35b', '#4fc08d', '#5b8def', '#c678dd'];
/** Optimiser: Δθ ← Δθ − lr · ∂L/∂Δθ (central difference), one step per animation frame. */
const LR_DEG = 40;
const MAX_ITERS = 400;

function SphereSketch({ deltaDeg }: { deltaDeg: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const scheme = useColourScheme();
  useEffect(() => {
    const S = 200;
    const ctx = prepareCanvas(ref.current, S, S);
    if (!ctx) return;
    const { u, v, n } = spherePairs(deltaDeg);
    // (x, y, z) of the lesson → screen axes with z up
    const pts = new Float32Array(2 * n * 3);
    for (let i = 0; i < n; i++) {
      pts.set([u[3 * i]!, u[3 * i + 2]!, u[3 * i + 1]!], 3 * i);
      pts.set([v[3 * i]!, v[3 * i + 2]!, v[3 * i + 1]!], 3 * (n + i));
    }
    const m = modalityColours();
    drawEmbedding(ctx, { points: pts, centroids: null, k: 3 }, {
      width: S,
      height: S,
      extent: [-1, 1, -1, 1],
      yaw: -0.5,
      pitch: 0.25,
      showLines: true,
      hover: -1,
      axisLabels: [],
      colours: { image: m.image, text: m.text, line: cssColour('--text', '#dbe2ee'), grid: cssColour('--muted', '#8d99b0'), text2: cssColour('--text', '#dbe2ee'), bg: cssColour('--inset', '#0f1420') },
    });
  }, [deltaDeg, scheme]);
  return <canvas ref={ref} role="img" aria-label={`six pairs on the sphere, texts at latitude ${deltaDeg.toFixed(1)}°`} />;
}

export function SphereLesson() {
  const [ran, setRan] = useState(false);
  const [delta, setDelta] = useState(0);
  const [scale, setScale] = useState<number>(100);
  const [optimising, setOptimising] = useState(false);
  const frame = useRef(0);

  const curves = useMemo(() => (ran ? [...SCALES.map((s) => ({ s, mismatched: true, c: sphereLossCurve(s, true, 1) })), { s: 100, mismatched: false, c: sphereLossCurve(100, false, 1) }] : []), [ran]);
  const fine = useMemo(() => (ran ? sphereLossCurve(100, true, 0.1) : null), [ran]);

  useEffect(() => {
    if (!optimising) return;
    let theta = delta;
    let iter = 0;
    const tick = () => {
      const h = 0.01;
      const g = (sphereLoss(theta + h, scale) - sphereLoss(theta - h, scale)) / (2 * h);
      const next = Math.max(-90, Math.min(90, theta - (LR_DEG / scale) * g * 10));
      const done = Math.abs(next - theta) < 1e-3 || ++iter >= MAX_ITERS;
      theta = next;
      setDelta(theta);
      if (done) setOptimising(false);
      else frame.current = requestAnimationFrame(tick);
    };
    frame.current = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame.current);
  }, [optimising]);

  const at0 = ran ? sphereLoss(0, 100) : NaN;
  const rows = [
    { what: 'minimum |Δθ| at s = 100', paper: '≈ 78°', ours: fine ? `${Math.abs(fine.minimumDeg).toFixed(1)}°` : '–' },
    { what: 'loss at that minimum (s = 100)', paper: '0.81', ours: fine ? fmtFixed(fine.minimumLoss, 3) : '–' },
    { what: 'loss with no gap, Δθ = 0 (s = 100)', paper: '2.01', ours: ran ? fmtFixed(at0, 3) : '–' },
    { what: 'minimum at s = 5 / s = 1', paper: '0° / 0°', ours: ran ? `${curves[1]!.c.minimumDeg.toFixed(0)}° / ${curves[2]!.c.minimumDeg.toFixed(0)}°` : '–' },
    { what: 'minimum without the mismatch (s = 100)', paper: '0°', ours: ran ? `${curves[3]!.c.minimumDeg.toFixed(0)}°` : '–' },
  ];
  return (
    <LessonCard
      id="sphere"
      title="The 3-D sphere: a gap can lower the loss"
      source="Liang et al. 2022, fig. 5"
      intro={
        <>
          Six images on the equator, each caption at its image&apos;s longitude but lifted to latitude Δθ; the first two captions are swapped, as real data has noisy pairs. At a low temperature
          (s = 100) the contrastive loss is lowest with the captions far from the images: the gap helps it push the mismatched pairs apart. At s = 5 or 1, or with clean pairs, the loss prefers no gap.
        </>
      }
      formula={'L(Δθ) = ½ [ mean_i −log softmax_j(s·u_i·v_j)_i + mean_j −log softmax_i(s·u_i·v_j)_j ]\nv_j = (cos Δθ cos φ_j, cos Δθ sin φ_j, sin Δθ),  u_i = (cos φ_i, sin φ_i, 0)'}
      rows={rows}
    >
      {!ran ? (
        <button type="button" className="btn btn-primary" onClick={() => setRan(true)}>
          Run the sphere lesson
        </button>
      ) : (
        <>
          <CurvePlot
            title="Loss vs the latitude shift Δθ"
            x={curves[0]!.c.deltaDeg}
            xLabel="Δθ (degrees)"
            yLabel="loss"
            curves={curves.map((k, i) => ({ label: k.mismatched ? `s = ${k.s}` : `s = ${k.s}, no mismatch`, colour: COLOURS[i]!, y: k.c.loss, dash: k.mismatched ? undefined : [5, 3] }))}
            markers={[{ x: delta, colour: cssColour('--text', '#dbe2ee'), label: `Δθ = ${delta.toFixed(1)}°` }]}
            testId="sphere-curves"
          />
          <div className="lesson-controls">
            <SphereSketch deltaDeg={delta} />
            <div className="lesson-sliders">
              <label className="field-inline">
                Δθ
                <input type="range" min={-90} max={90} step={0.5} value={delta} aria-label="Latitude shift" onChange={(e) => setDelta(Number(e.target.value))} />
                <span className="num">{delta.toFixed(1)}°</span>
              </label>
              <div className="muted">
                loss here: {SCALES.map((s) => `s = ${s}: ${fmtFixed(sphereLoss(delta, s), 3)}`).join(' · ')}
              </div>
              <label className="field-inline">
                optimise at s =
                <select value={scale} onChange={(e) => setScale(Number(e.target.value))} aria-label="Optimiser scale">
                  {SCALES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
                <button type="button" className="btn btn-small" onClick={() => setOptimising(!optimising)}>
                  {optimising ? 'Stop' : 'Optimise Δθ from here'}
                </button>
              </label>
              <div className="muted">Start near 0 at s = 100 and watch Δθ run away to the gap; at s = 1 it returns to 0.</div>
            </div>
          </div>
        </>
      )}
    </LessonCard>
  );
}
