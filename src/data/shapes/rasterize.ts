// Rasteriser: dark-grey noisy background plus solid, hard-edged objects into an RGB H×W×3 Uint8Array.

import type { Rng } from '../../util/prng';
import { COLOUR_RGB } from './attributes';
import type { Shape } from './attributes';
import type { ShapeObject } from './scene';

/** Background grey level range [BG_MIN, BG_MIN + BG_RANGE) per image, plus per-pixel noise ±BG_NOISE. */
export const BG_MIN = 36;
export const BG_RANGE = 16;
export const BG_NOISE = 6;

type Pt = readonly [number, number];

function starPolygon(points: number, outer: number, inner: number, dy: number): Pt[] {
  const out: Pt[] = [];
  for (let i = 0; i < 2 * points; i++) {
    const r = i % 2 === 0 ? outer : inner;
    const a = -Math.PI / 2 + (i * Math.PI) / points;
    out.push([r * Math.cos(a), r * Math.sin(a) + dy]);
  }
  return out;
}

// A 5-pointed star with a fat core so it still reads as a star at 8 px; its bounding box
// (y from -1 to cos 36° ≈ 0.81) is re-centred vertically.
const STAR = starPolygon(5, 1.05, 0.5, 0.1);
// Upward triangle filling the box.
const TRIANGLE: Pt[] = [
  [0, -1],
  [1, 0.9],
  [-1, 0.9],
];

function inPolygon(poly: readonly Pt[], u: number, v: number): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > v !== yj > v && u < ((xj - xi) * (v - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Is the point (u, v) ∈ [-1, 1]² (v down) inside the unit shape? */
export function insideShape(shape: Shape, u: number, v: number): boolean {
  switch (shape) {
    case 'circle':
      return u * u + v * v <= 1;
    case 'square':
      return Math.abs(u) <= 0.85 && Math.abs(v) <= 0.85;
    case 'triangle':
      return inPolygon(TRIANGLE, u, v);
    case 'star':
      return inPolygon(STAR, u, v);
    case 'cross': {
      const au = Math.abs(u);
      const av = Math.abs(v);
      return (au <= 0.34 && av <= 1) || (av <= 0.34 && au <= 1);
    }
    case 'heart': {
      // Two lobes on top and a point at the bottom: (x² + y² − 1)³ − x² y³ ≤ 0 with y up,
      // scaled so the heart spans roughly [-1, 1]².
      const x = u * 1.2;
      const y = -(v * 1.15 - 0.15) * 1.05;
      const q = x * x + y * y - 1;
      return q * q * q - x * x * y * y * y <= 0;
    }
  }
}

/** Paint the background into img (length S·S·3). */
export function drawBackground(rng: Rng, img: Uint8Array): void {
  const base = BG_MIN + rng.int(BG_RANGE);
  const span = 2 * BG_NOISE + 1;
  for (let i = 0; i < img.length; i++) img[i] = base - BG_NOISE + rng.int(span);
}

/** Paint one object (solid palette colour, pixel-centre sampling, no anti-aliasing). */
export function drawObject(img: Uint8Array, imageSize: number, o: ShapeObject): void {
  const [r, g, b] = COLOUR_RGB[o.colour];
  const half = o.extent / 2;
  const x0 = Math.max(0, Math.floor(o.cx - half));
  const x1 = Math.min(imageSize - 1, Math.ceil(o.cx + half));
  const y0 = Math.max(0, Math.floor(o.cy - half));
  const y1 = Math.min(imageSize - 1, Math.ceil(o.cy + half));
  for (let y = y0; y <= y1; y++) {
    const v = (y + 0.5 - o.cy) / half;
    for (let x = x0; x <= x1; x++) {
      const u = (x + 0.5 - o.cx) / half;
      if (u < -1 || u > 1 || v < -1 || v > 1 || !insideShape(o.shape, u, v)) continue;
      const p = (y * imageSize + x) * 3;
      img[p] = r;
      img[p + 1] = g;
      img[p + 2] = b;
    }
  }
}

/** Render a whole scene: background noise from rng, then the objects in order. */
export function rasterizeScene(rng: Rng, imageSize: number, objects: readonly ShapeObject[]): Uint8Array {
  const img = new Uint8Array(imageSize * imageSize * 3);
  drawBackground(rng, img);
  for (const o of objects) drawObject(img, imageSize, o);
  return img;
}

/** ASCII view of an image (debugging/tests): '.' background, first letter of the palette colour otherwise. */
export function asciiArt(img: Uint8Array, imageSize: number): string {
  const letters = new Map<string, string>();
  for (const [name, rgb] of Object.entries(COLOUR_RGB)) letters.set(rgb.join(','), name === 'white' ? 'W' : name[0].toUpperCase());
  const rows: string[] = [];
  for (let y = 0; y < imageSize; y++) {
    let row = '';
    for (let x = 0; x < imageSize; x++) {
      const p = (y * imageSize + x) * 3;
      row += letters.get(`${img[p]},${img[p + 1]},${img[p + 2]}`) ?? '.';
    }
    rows.push(row);
  }
  return rows.join('\n');
}
