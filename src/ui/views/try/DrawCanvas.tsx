// A drawing canvas for the playground: brush strokes in a palette (the Shapes world's colours first)
// on a background like the dataset's, so a Shapes model can be tried on a hand-drawn red triangle.
// Each finished stroke sends the drawing (PNG) to the worker, which preprocesses it like any image.
import { useEffect, useRef, useState, type PointerEvent } from 'react';

/** The drawing's resolution; the worker crops and resizes it to the model's image size. */
export const DRAW_SIZE = 256;

export const PALETTE: { name: string; rgb: [number, number, number] }[] = [
  { name: 'red', rgb: [220, 40, 40] },
  { name: 'green', rgb: [40, 190, 60] },
  { name: 'blue', rgb: [50, 100, 240] },
  { name: 'yellow', rgb: [240, 220, 40] },
  { name: 'purple', rgb: [160, 60, 210] },
  { name: 'cyan', rgb: [40, 210, 220] },
  { name: 'white', rgb: [240, 240, 240] },
  { name: 'black', rgb: [0, 0, 0] },
];

const BRUSHES = [
  { name: 'fine', px: 6 },
  { name: 'medium', px: 18 },
  { name: 'thick', px: 36 },
];

const css = ([r, g, b]: readonly number[]) => `rgb(${r}, ${g}, ${b})`;

export interface DrawCanvasProps {
  /** The dataset's background colour (dark grey for Shapes). */
  background: [number, number, number] | null;
  onDrawing: (png: Blob) => void;
}

export function DrawCanvas({ background, onDrawing }: DrawCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [colour, setColour] = useState(0);
  const [brush, setBrush] = useState(1);
  const last = useRef<{ x: number; y: number } | null>(null);
  const bg = background ?? [40, 40, 40];

  const clear = () => {
    const c = ref.current?.getContext('2d');
    if (!c) return;
    c.fillStyle = css(bg);
    c.fillRect(0, 0, DRAW_SIZE, DRAW_SIZE);
  };
  // A new background (another model's dataset) starts a fresh drawing.
  useEffect(clear, [bg[0], bg[1], bg[2]]); // eslint-disable-line react-hooks/exhaustive-deps

  const at = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * DRAW_SIZE, y: ((e.clientY - r.top) / r.height) * DRAW_SIZE };
  };
  const stroke = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const c = ref.current!.getContext('2d')!;
    c.strokeStyle = css(PALETTE[colour]!.rgb);
    c.fillStyle = c.strokeStyle;
    c.lineWidth = BRUSHES[brush]!.px;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(from.x, from.y);
    c.lineTo(to.x, to.y);
    c.stroke();
  };
  const send = () => ref.current?.toBlob((b) => b && onDrawing(b), 'image/png');

  return (
    <div className="draw">
      <canvas
        ref={ref}
        width={DRAW_SIZE}
        height={DRAW_SIZE}
        className="draw-canvas"
        data-testid="draw-canvas"
        aria-label="Drawing canvas: draw with the mouse, a pen or a finger"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          const p = at(e);
          last.current = p;
          stroke(p, p);
        }}
        onPointerMove={(e) => {
          if (!last.current) return;
          const p = at(e);
          stroke(last.current, p);
          last.current = p;
        }}
        onPointerUp={() => {
          if (!last.current) return;
          last.current = null;
          send();
        }}
        onPointerCancel={() => (last.current = null)}
      />
      <div className="draw-tools">
        <div className="palette" role="radiogroup" aria-label="Colour">
          {PALETTE.map((p, i) => (
            <button
              key={p.name}
              type="button"
              role="radio"
              aria-checked={colour === i}
              aria-label={p.name}
              title={p.name}
              className={`swatch${colour === i ? ' swatch-on' : ''}`}
              style={{ background: css(p.rgb) }}
              onClick={() => setColour(i)}
            />
          ))}
        </div>
        <div className="brushes" role="radiogroup" aria-label="Brush">
          {BRUSHES.map((b, i) => (
            <button key={b.name} type="button" role="radio" aria-checked={brush === i} className={`chip-button${brush === i ? ' chip-on' : ''}`} onClick={() => setBrush(i)}>
              {b.name}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="btn"
          onClick={() => {
            clear();
            send();
          }}
        >
          Clear
        </button>
      </div>
    </div>
  );
}
