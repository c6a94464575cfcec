import { describe, expect, test } from 'vitest';
import {
  ALL_COMBOS,
  COLOUR_RGB,
  COLOURS,
  DEFAULT_SHAPES_CONFIG,
  POSITION_QUADRANT,
  POSITIONS,
  SHAPES,
  SHAPES_PROMPT_TEMPLATES,
  SINGLE_OBJECT_TEMPLATES,
  SIZES,
  TWO_OBJECT_TEMPLATES,
  asciiArt,
  classIndexOf,
  drawObject,
  fillPromptTemplate,
  generateShapesPair,
  generateShapesRange,
  isHeldOut,
  shapesCaptionsOf,
  shapesClasses,
  shapesSceneOf,
  validateShapesConfig,
  type ShapeObject,
  type ShapesConfig,
} from '../src/data/shapes';

const CFG = DEFAULT_SHAPES_CONFIG;

function colourPixels(img: Uint8Array, S: number, colour: string, quadrant?: readonly [number, number]) {
  const [r, g, b] = COLOUR_RGB[colour as keyof typeof COLOUR_RGB];
  const pts: Array<[number, number]> = [];
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const p = (y * S + x) * 3;
      if (img[p] !== r || img[p + 1] !== g || img[p + 2] !== b) continue;
      if (quadrant && (Math.floor(x / (S / 2)) !== quadrant[0] || Math.floor(y / (S / 2)) !== quadrant[1])) continue;
      pts.push([x, y]);
    }
  }
  return pts;
}

/** Check that every attribute word in a caption is true of one drawn object. */
function checkCaption(caption: string, objects: ShapeObject[]): void {
  const clauses = caption.split(/ and |; /);
  const mentioned = new Set<ShapeObject>();
  for (const clause of clauses) {
    const words = clause.replace(/[:;,]/g, ' ').split(/\s+/).filter(Boolean);
    const shapes = words.filter((w) => (SHAPES as readonly string[]).includes(w));
    const colours = words.filter((w) => (COLOURS as readonly string[]).includes(w));
    const sizes = words.filter((w) => (SIZES as readonly string[]).includes(w));
    const positions = POSITIONS.filter((p) => clause.includes(p));
    expect(shapes.length, `${caption} / ${clause}`).toBe(1);
    expect(colours.length, `${caption} / ${clause}`).toBe(1);
    expect(sizes.length).toBeLessThanOrEqual(1);
    expect(positions.length).toBeLessThanOrEqual(1);
    const o = objects.find((ob) => ob.shape === shapes[0] && ob.colour === colours[0]);
    expect(o, `"${caption}" mentions a ${colours[0]} ${shapes[0]} that is not drawn`).toBeDefined();
    if (sizes.length) expect(o!.size).toBe(sizes[0]);
    if (positions.length) expect(o!.position).toBe(positions[0]);
    expect(mentioned.has(o!)).toBe(false);
    mentioned.add(o!);
  }
  expect(mentioned.size).toBeGreaterThanOrEqual(1);
}

describe('attributes and config', () => {
  test('vocabulary sizes', () => {
    expect(COLOURS.length).toBeGreaterThanOrEqual(6);
    expect(SHAPES.length).toBeGreaterThanOrEqual(5);
    expect(SIZES).toEqual(['small', 'large']);
    expect(POSITIONS.length).toBeGreaterThanOrEqual(4);
    expect(ALL_COMBOS.length).toBe(COLOURS.length * SHAPES.length);
  });
  test('palette colours are far apart and far from the background', () => {
    const cols = Object.values(COLOUR_RGB);
    for (let i = 0; i < cols.length; i++) {
      expect(Math.max(...cols[i])).toBeGreaterThan(150);
      for (let j = i + 1; j < cols.length; j++) {
        const d = Math.hypot(cols[i][0] - cols[j][0], cols[i][1] - cols[j][1], cols[i][2] - cols[j][2]);
        expect(d).toBeGreaterThan(80);
      }
    }
  });
  test('default held-out combos span different colours and shapes', () => {
    expect(CFG.heldOut.length).toBe(4);
    expect(new Set(CFG.heldOut.map(([c]) => c)).size).toBe(4);
    expect(new Set(CFG.heldOut.map(([, s]) => s)).size).toBe(4);
    expect(() => validateShapesConfig(CFG)).not.toThrow();
    expect(() => validateShapesConfig({ ...CFG, heldOut: [['pink' as never, 'circle']] })).toThrow();
    expect(() => validateShapesConfig({ ...CFG, imageSize: 8 })).toThrow();
    expect(() => generateShapesPair({ ...CFG, twoObjectProb: 2 }, 'train', 0)).toThrow();
  });
});

describe('generateShapesPair', () => {
  test('is a pure function of (config, split, index)', () => {
    for (const split of ['train', 'val'] as const) {
      for (const i of [0, 1, 17, 4999]) {
        const a = generateShapesPair(CFG, split, i);
        const b = generateShapesPair({ ...CFG, heldOut: [...CFG.heldOut] }, split, i);
        expect(a.image.length).toBe(32 * 32 * 3);
        expect(Buffer.from(b.image).equals(Buffer.from(a.image))).toBe(true);
        expect(b.captions).toEqual(a.captions);
        expect(b.objects).toEqual(a.objects);
        expect(shapesCaptionsOf(CFG, split, i)).toEqual(a.captions);
        expect(shapesSceneOf(CFG, split, i)).toEqual(a.objects);
      }
    }
    // Order of generation does not matter.
    const fwd = generateShapesRange(CFG, 'train', 10, 20);
    const rev = Array.from({ length: 20 }, (_, k) => generateShapesPair(CFG, 'train', 29 - k)).reverse();
    rev.forEach((p, k) => expect(Buffer.from(p.image).equals(Buffer.from(fwd.images.subarray(k * 3072, (k + 1) * 3072)))).toBe(true));
  });

  test('different seeds, splits and indices give different pairs', () => {
    const a = generateShapesPair(CFG, 'train', 3);
    const b = generateShapesPair({ ...CFG, seed: CFG.seed + 1 }, 'train', 3);
    const c = generateShapesPair(CFG, 'val', 3);
    const d = generateShapesPair(CFG, 'train', 4);
    for (const o of [b, c, d]) expect(Buffer.from(o.image).equals(Buffer.from(a.image))).toBe(false);
  });

  test('background is noisy, not constant', () => {
    const { image } = generateShapesPair(CFG, 'train', 0);
    expect(new Set(image).size).toBeGreaterThan(8);
  });

  test('scenes: 1 or 2 objects (≈ twoObjectProb), different quadrants, distinct colour × shape', () => {
    let two = 0;
    const N = 3000;
    for (let i = 0; i < N; i++) {
      const objs = shapesSceneOf(CFG, 'train', i);
      expect([1, 2]).toContain(objs.length);
      if (objs.length === 2) {
        two++;
        expect(objs[0].position).not.toBe(objs[1].position);
        expect(objs[0].colour === objs[1].colour && objs[0].shape === objs[1].shape).toBe(false);
      }
    }
    expect(two / N).toBeGreaterThan(0.25);
    expect(two / N).toBeLessThan(0.35);
    expect(shapesSceneOf({ ...CFG, twoObjectProb: 0 }, 'train', 5).length).toBe(1);
  });

  test('captions are several distinct phrasings, each true of the image', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const { captions, objects } = generateShapesPair(CFG, 'train', i);
      expect(captions.length).toBe(3);
      expect(new Set(captions).size).toBe(3);
      for (const c of captions) {
        checkCaption(c, objects);
        seen.add(c.replace(/\b(red|green|blue|yellow|purple|cyan|white|circle|square|triangle|star|cross|heart|small|large|top|bottom|left|right)\b/g, '#'));
      }
    }
    for (let i = 0; i < 500; i++) {
      const { captions, objects } = generateShapesPair(CFG, 'val', i);
      for (const c of captions) checkCaption(c, objects);
    }
    expect(SINGLE_OBJECT_TEMPLATES.length).toBeGreaterThanOrEqual(5);
    expect(TWO_OBJECT_TEMPLATES.length).toBeGreaterThanOrEqual(5);
    expect(seen.size).toBe(SINGLE_OBJECT_TEMPLATES.length + TWO_OBJECT_TEMPLATES.length);
  });

  for (const S of [32, 48, 64]) {
    test(`pixels: colour, quadrant and size of every object (imageSize ${S})`, () => {
      const cfg: ShapesConfig = { ...CFG, imageSize: S };
      const counts: Record<string, number[]> = {};
      for (let i = 0; i < 600; i++) {
        const { image, objects } = generateShapesPair(cfg, i % 3 === 0 ? 'val' : 'train', i);
        expect(image.length).toBe(S * S * 3);
        for (const o of objects) {
          const q = POSITION_QUADRANT[o.position];
          const pts = colourPixels(image, S, o.colour, q);
          expect(pts.length).toBeGreaterThan(0);
          const mx = pts.reduce((s, p) => s + p[0] + 0.5, 0) / pts.length;
          const my = pts.reduce((s, p) => s + p[1] + 0.5, 0) / pts.length;
          expect(Math.floor(mx / (S / 2))).toBe(q[0]);
          expect(Math.floor(my / (S / 2))).toBe(q[1]);
          expect(Math.abs(mx - o.cx)).toBeLessThan(0.2 * o.extent + 0.5);
          expect(Math.abs(my - o.cy)).toBeLessThan(0.2 * o.extent + 0.5);
          // The bounding box stays inside the quadrant.
          expect(o.cx - o.extent / 2).toBeGreaterThanOrEqual(q[0] * (S / 2));
          expect(o.cx + o.extent / 2).toBeLessThanOrEqual((q[0] + 1) * (S / 2));
          expect(o.cy - o.extent / 2).toBeGreaterThanOrEqual(q[1] * (S / 2));
          expect(o.cy + o.extent / 2).toBeLessThanOrEqual((q[1] + 1) * (S / 2));
          (counts[`${o.shape} ${o.size}`] ??= []).push(pts.length);
        }
        // No object colour outside the objects' quadrants.
        for (const c of COLOURS) {
          const total = colourPixels(image, S, c).length;
          const inObjects = objects.filter((o) => o.colour === c).reduce((s, o) => s + colourPixels(image, S, c, POSITION_QUADRANT[o.position]).length, 0);
          expect(total).toBe(inObjects);
        }
      }
      // Every large object covers more pixels than any small object of the same shape.
      for (const shape of SHAPES) {
        const small = counts[`${shape} small`] ?? [];
        const large = counts[`${shape} large`] ?? [];
        expect(small.length).toBeGreaterThan(0);
        expect(large.length).toBeGreaterThan(0);
        expect(Math.min(...large)).toBeGreaterThan(1.3 * Math.max(...small));
      }
    });
  }

  test('shapes are distinguishable at the small size (32 px), whatever the jitter', () => {
    const masks = new Map<string, Set<string>>();
    const S = 16;
    const extent = Math.round(0.3 * 32);
    for (const shape of SHAPES) {
      const set = new Set<string>();
      for (let k = 0; k < 64; k++) {
        const img = new Uint8Array(S * S * 3);
        const o: ShapeObject = { colour: 'white', shape, size: 'small', position: 'top left', cx: 8 + (k % 8) / 8, cy: 8 + Math.floor(k / 8) / 8, extent };
        drawObject(img, S, o);
        set.add(cropMask(img, S));
      }
      masks.set(shape, set);
    }
    const shapes = [...SHAPES];
    for (let i = 0; i < shapes.length; i++) {
      for (let j = i + 1; j < shapes.length; j++) {
        for (const a of masks.get(shapes[i])!) {
          for (const b of masks.get(shapes[j])!) {
            expect(maskDistance(a, b), `${shapes[i]} vs ${shapes[j]}`).toBeGreaterThanOrEqual(6);
          }
        }
      }
    }
  });

  test('ASCII view of one 32×32 example per shape', () => {
    const lines: string[] = [];
    for (const shape of SHAPES) {
      const img = new Uint8Array(32 * 32 * 3).fill(40);
      const colour = shape === 'star' ? 'yellow' : 'white';
      drawObject(img, 32, { colour, shape, size: 'large', position: 'top left', cx: 8, cy: 8, extent: Math.round(0.44 * 32) });
      drawObject(img, 32, { colour, shape, size: 'small', position: 'bottom right', cx: 24.3, cy: 24.3, extent: Math.round(0.3 * 32) });
      lines.push(`${shape}:\n${asciiArt(img, 32)}`);
    }
    const pair = generateShapesPair(CFG, 'train', 2);
    lines.push(`train #2 ${JSON.stringify(pair.captions)}:\n${asciiArt(pair.image, 32)}`);
    // Set SHAPES_ASCII=1 to print them (kept quiet in normal runs).
    if (process.env.SHAPES_ASCII) console.log(lines.join('\n\n'));
    for (const l of lines) expect(l).toMatch(/[WYB]/);
    expect(lines.length).toBe(SHAPES.length + 1);
  });
});

describe('held-out combinations', () => {
  const heldNames = CFG.heldOut.map(([c, s]) => `${c} ${s}`);

  test('never appear in the first 5000 train pairs (objects or captions)', () => {
    for (let i = 0; i < 5000; i++) {
      const objects = shapesSceneOf(CFG, 'train', i);
      for (const o of objects) expect(isHeldOut(CFG, o.colour, o.shape)).toBe(false);
      for (const c of shapesCaptionsOf(CFG, 'train', i)) for (const h of heldNames) expect(c.includes(h)).toBe(false);
    }
  });

  test('a custom held-out list is respected', () => {
    const cfg: ShapesConfig = { ...CFG, heldOut: [['white', 'heart'], ['purple', 'square']] };
    for (let i = 0; i < 2000; i++) for (const o of shapesSceneOf(cfg, 'train', i)) expect(isHeldOut(cfg, o.colour, o.shape)).toBe(false);
  });

  test('val: exactly one object, uniform over all combos including held-out ones', () => {
    const classes = shapesClasses();
    expect(classes.length).toBe(COLOURS.length * SHAPES.length);
    expect(classes.filter((c) => c.heldOut).map((c) => c.name).sort()).toEqual([...heldNames].sort());
    const hits = new Array(classes.length).fill(0);
    const N = 6000;
    for (let i = 0; i < N; i++) {
      const { objects, captions } = generateShapesPair(CFG, 'val', i);
      expect(objects.length).toBe(1);
      const k = classIndexOf(objects);
      expect(classes[k].name).toBe(`${objects[0].colour} ${objects[0].shape}`);
      expect(classIndexOf(CFG, objects)).toBe(k);
      hits[k]++;
      expect(captions.length).toBe(3);
    }
    const expected = N / classes.length;
    for (const h of hits) {
      expect(h).toBeGreaterThan(expected * 0.6);
      expect(h).toBeLessThan(expected * 1.4);
    }
    for (const [c, s] of CFG.heldOut) expect(hits[classes.findIndex((k) => k.colour === c && k.shape === s)]).toBeGreaterThan(0);
    expect(() => classIndexOf(shapesSceneOf({ ...CFG, twoObjectProb: 1 }, 'train', 0))).toThrow();
  });

  test('class order is fixed and prompts read like captions', () => {
    const names = shapesClasses().map((c) => c.name);
    expect(names[0]).toBe(`${COLOURS[0]} ${SHAPES[0]}`);
    expect(names[1]).toBe(`${COLOURS[0]} ${SHAPES[1]}`);
    expect(shapesClasses({ heldOut: [] }).every((c) => !c.heldOut)).toBe(true);
    expect(SHAPES_PROMPT_TEMPLATES.length).toBeGreaterThanOrEqual(3);
    // Every prompt is literally a caption phrasing of a one-object image.
    const o: ShapeObject = { colour: 'red', shape: 'circle', size: 'small', position: 'top left', cx: 8, cy: 8, extent: 10 };
    const phrasings = new Set(SINGLE_OBJECT_TEMPLATES.map((t) => t(o)));
    for (const t of SHAPES_PROMPT_TEMPLATES) expect(phrasings.has(fillPromptTemplate(t, 'red circle'))).toBe(true);
  });
});

function cropMask(img: Uint8Array, S: number): string {
  let x0 = S, y0 = S, x1 = -1, y1 = -1;
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) if (img[(y * S + x) * 3] > 0) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  const rows: string[] = [];
  for (let y = y0; y <= y1; y++) {
    let r = '';
    for (let x = x0; x <= x1; x++) r += img[(y * S + x) * 3] > 0 ? '#' : '.';
    rows.push(r);
  }
  return rows.join('\n');
}

/** Pixel disagreement between two cropped masks, minimised over small relative shifts. */
function maskDistance(a: string, b: string): number {
  const A = a.split('\n');
  const B = b.split('\n');
  const at = (M: string[], x: number, y: number) => (y >= 0 && y < M.length && x >= 0 && x < M[y].length && M[y][x] === '#' ? 1 : 0);
  let best = Infinity;
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) {
      let d = 0;
      for (let y = -3; y < 16; y++) for (let x = -3; x < 16; x++) d += at(A, x, y) ^ at(B, x + dx, y + dy);
      best = Math.min(best, d);
    }
  }
  return best;
}
