// Draws one step of the embedding map on a 2-D canvas: images and captions in their modality colours,
// a faint line per true pair, both centroids and the gap vector (text centroid → image centroid).
// 2-D views are framed by the extent of every step (so playback does not rescale); the 3-D sphere is
// rotated by yaw and pitch and drawn orthographically, the far hemisphere dimmer. Returns each
// point's screen position for hovering.

export interface MapColours {
  image: string;
  text: string;
  line: string;
  grid: string;
  text2: string;
  bg: string;
}

export interface MapFrame {
  /** 2n × k coordinates: images, then their captions. */
  points: Float32Array;
  /** 2 × k, or null (UMAP has no meaningful centroid). */
  centroids: Float32Array | null;
  k: 2 | 3;
}

export interface MapOptions {
  width: number;
  height: number;
  /** 2-D framing [xmin, xmax, ymin, ymax]. */
  extent: [number, number, number, number];
  yaw: number;
  pitch: number;
  showLines: boolean;
  /** Pair under the pointer (its point, partner and line stand out), or −1. */
  hover: number;
  colours: MapColours;
  /** Axis names shown at the corner, e.g. "PC1 (41 %)". */
  axisLabels: string[];
}

/** Bounds of 2-D points over several frames, padded by 6 %. */
export function extentOf(frames: readonly Float32Array[]): [number, number, number, number] {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const p of frames)
    for (let i = 0; i < p.length; i += 2) {
      x0 = Math.min(x0, p[i]!);
      x1 = Math.max(x1, p[i]!);
      y0 = Math.min(y0, p[i + 1]!);
      y1 = Math.max(y1, p[i + 1]!);
    }
  if (!Number.isFinite(x0)) return [-1, 1, -1, 1];
  const pad = 0.06 * Math.max(x1 - x0, y1 - y0, 1e-6);
  return [x0 - pad, x1 + pad, y0 - pad, y1 + pad];
}

/** (x, y, z) rotated by yaw about the vertical axis, then by pitch about the horizontal one. */
export function rotate(x: number, y: number, z: number, yaw: number, pitch: number): [number, number, number] {
  const cy = Math.cos(yaw);
  const sy = Math.sin(yaw);
  const x1 = cy * x + sy * z;
  const z1 = -sy * x + cy * z;
  const cp = Math.cos(pitch);
  const sp = Math.sin(pitch);
  return [x1, cp * y - sp * z1, sp * y + cp * z1];
}

export function drawEmbedding(ctx: CanvasRenderingContext2D, f: MapFrame, o: MapOptions): Float32Array {
  const { width: W, height: H, colours: c } = o;
  const n = f.points.length / f.k / 2;
  ctx.fillStyle = c.bg;
  ctx.fillRect(0, 0, W, H);
  const screen = new Float32Array(2 * n * 2);
  const depth = new Float32Array(2 * n);
  let toScreen: (p: ArrayLike<number>, off: number) => [number, number, number];
  if (f.k === 3) {
    const r = 0.44 * Math.min(W, H);
    const cx = W / 2;
    const cy = H / 2;
    toScreen = (p, off) => {
      const [x, y, z] = rotate(p[off]!, p[off + 1]!, p[off + 2]!, o.yaw, o.pitch);
      return [cx + r * x, cy - r * y, z];
    };
    // the sphere's outline and equator
    ctx.strokeStyle = c.grid;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.beginPath();
    for (let a = 0; a <= 64; a++) {
      const [x, y] = toScreen([Math.cos((a / 32) * Math.PI), 0, Math.sin((a / 32) * Math.PI)], 0);
      if (a === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  } else {
    const [x0, x1, y0, y1] = o.extent;
    const s = Math.min((W - 16) / (x1 - x0), (H - 16) / (y1 - y0));
    const ox = W / 2 - (s * (x0 + x1)) / 2;
    const oy = H / 2 + (s * (y0 + y1)) / 2;
    toScreen = (p, off) => [ox + s * p[off]!, oy - s * p[off + 1]!, 0];
    ctx.strokeStyle = c.grid;
    ctx.lineWidth = 1;
    ctx.beginPath();
    const [zx, zy] = toScreen([0, 0], 0);
    ctx.moveTo(0, zy);
    ctx.lineTo(W, zy);
    ctx.moveTo(zx, 0);
    ctx.lineTo(zx, H);
    ctx.stroke();
  }
  for (let i = 0; i < 2 * n; i++) {
    const [x, y, z] = toScreen(f.points, i * f.k);
    screen[2 * i] = x;
    screen[2 * i + 1] = y;
    depth[i] = z;
  }
  const alphaOf = (i: number) => (f.k === 3 && depth[i]! < 0 ? 0.3 : 0.85);
  if (o.showLines) {
    ctx.strokeStyle = c.line;
    ctx.lineWidth = 0.6;
    ctx.globalAlpha = f.k === 3 ? 0.35 : 0.5;
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      ctx.moveTo(screen[2 * i]!, screen[2 * i + 1]!);
      ctx.lineTo(screen[2 * (n + i)]!, screen[2 * (n + i) + 1]!);
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
  // far points first, so near ones sit on top
  const order = Array.from({ length: 2 * n }, (_, i) => i).sort((a, b) => depth[a]! - depth[b]!);
  for (const i of order) {
    ctx.globalAlpha = alphaOf(i);
    ctx.fillStyle = i < n ? c.image : c.text;
    const x = screen[2 * i]!;
    const y = screen[2 * i + 1]!;
    if (i < n) ctx.fillRect(x - 2.5, y - 2.5, 5, 5); // images: squares
    else {
      ctx.beginPath(); // captions: discs
      ctx.arc(x, y, 2.8, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.globalAlpha = 1;
  if (o.hover >= 0 && o.hover < n) {
    const a = o.hover;
    const b = n + a;
    ctx.strokeStyle = c.text2;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(screen[2 * a]!, screen[2 * a + 1]!);
    ctx.lineTo(screen[2 * b]!, screen[2 * b + 1]!);
    ctx.stroke();
    for (const i of [a, b]) {
      ctx.beginPath();
      ctx.arc(screen[2 * i]!, screen[2 * i + 1]!, 6, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  if (f.centroids) {
    const ci = toScreen(f.centroids, 0);
    const ct = toScreen(f.centroids, f.k);
    // the gap vector: text centroid → image centroid
    ctx.strokeStyle = c.text2;
    ctx.fillStyle = c.text2;
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    ctx.moveTo(ct[0], ct[1]);
    ctx.lineTo(ci[0], ci[1]);
    ctx.stroke();
    const ang = Math.atan2(ci[1] - ct[1], ci[0] - ct[0]);
    ctx.beginPath();
    ctx.moveTo(ci[0], ci[1]);
    ctx.lineTo(ci[0] - 11 * Math.cos(ang - 0.4), ci[1] - 11 * Math.sin(ang - 0.4));
    ctx.lineTo(ci[0] - 11 * Math.cos(ang + 0.4), ci[1] - 11 * Math.sin(ang + 0.4));
    ctx.closePath();
    ctx.fill();
    // Labels on opposite sides (above for images, below for captions) so close centroids stay legible.
    for (const [p, col, label, dy] of [
      [ci, c.image, 'images', -10],
      [ct, c.text, 'captions', 19],
    ] as const) {
      ctx.fillStyle = col;
      ctx.strokeStyle = c.bg;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(p[0], p[1], 8, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = c.text2;
      ctx.font = '600 11px system-ui, sans-serif';
      ctx.fillText(`mean ${label}`, p[0] + 11, p[1] + dy);
    }
  }
  ctx.fillStyle = c.text2;
  ctx.globalAlpha = 0.7;
  ctx.font = '11px system-ui, sans-serif';
  o.axisLabels.forEach((l, i) => ctx.fillText(l, 8, H - 8 - 14 * (o.axisLabels.length - 1 - i)));
  ctx.globalAlpha = 1;
  return screen;
}

/** Index of the pair whose image or caption lies nearest (x, y) within `radius` px, or −1. */
export function pairAt(screen: Float32Array, x: number, y: number, radius = 8): number {
  const n = screen.length / 4;
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < 2 * n; i++) {
    const d = (screen[2 * i]! - x) ** 2 + (screen[2 * i + 1]! - y) ** 2;
    if (d <= bestD) (bestD = d), (best = i % n);
  }
  return best;
}
