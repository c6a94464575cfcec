// Scene sampling: which objects (colour × shape × size × quadrant) go into one image.

import type { Rng } from '../../util/prng';
import { COLOURS, POSITION_QUADRANT, POSITIONS, SHAPES, SIZE_FRACTION, SIZES } from './attributes';
import type { Colour, Position, Shape, Size } from './attributes';

export interface ShapeObject {
  colour: Colour;
  shape: Shape;
  size: Size;
  position: Position;
  /** Centre in pixels (x to the right, y down; pixel (i, j) covers [i, i+1) × [j, j+1)). */
  cx: number;
  cy: number;
  /** Side of the object's bounding box in pixels. */
  extent: number;
}

export type ShapesSplit = 'train' | 'val';

export interface ShapesConfig {
  /** Square image side in pixels (≥ 16; 32, 48 and 64 are the tested ones). */
  imageSize: number;
  /** Base seed; every pair derives its own stream from it. */
  seed: number;
  /** Colour × shape combinations that never appear in the train split (objects or captions). */
  heldOut: Array<[Colour, Shape]>;
  /** Probability that a train image has two objects instead of one (val always has one). */
  twoObjectProb: number;
}

export const DEFAULT_HELD_OUT: Array<[Colour, Shape]> = [
  ['red', 'triangle'],
  ['green', 'star'],
  ['blue', 'cross'],
  ['yellow', 'circle'],
];

export const DEFAULT_SHAPES_CONFIG: ShapesConfig = {
  imageSize: 32,
  seed: 1234,
  heldOut: DEFAULT_HELD_OUT,
  twoObjectProb: 0.3,
};

export interface Combo {
  colour: Colour;
  shape: Shape;
}

/** All colour × shape combinations, colour-major (red circle, red square, …). */
export const ALL_COMBOS: readonly Combo[] = COLOURS.flatMap((colour) => SHAPES.map((shape) => ({ colour, shape })));

export function comboKey(colour: string, shape: string): string {
  return `${colour} ${shape}`;
}

export function isHeldOut(config: Pick<ShapesConfig, 'heldOut'>, colour: string, shape: string): boolean {
  return config.heldOut.some(([c, s]) => c === colour && s === shape);
}

/** Throws with a readable message for configs that cannot generate data. */
export function validateShapesConfig(config: ShapesConfig): void {
  const errs: string[] = [];
  if (!Number.isInteger(config.imageSize) || config.imageSize < 16) errs.push(`imageSize must be an integer ≥ 16, got ${config.imageSize}`);
  if (!Number.isFinite(config.seed)) errs.push(`seed must be a finite number, got ${config.seed}`);
  if (!(config.twoObjectProb >= 0 && config.twoObjectProb <= 1)) errs.push(`twoObjectProb must be in [0, 1], got ${config.twoObjectProb}`);
  for (const pair of config.heldOut) {
    if (!Array.isArray(pair) || !(COLOURS as readonly string[]).includes(pair[0]) || !(SHAPES as readonly string[]).includes(pair[1])) {
      errs.push(`unknown held-out combination ${JSON.stringify(pair)}`);
    }
  }
  const allowed = ALL_COMBOS.filter((c) => !isHeldOut(config, c.colour, c.shape)).length;
  if (allowed < 2) errs.push('held-out list leaves fewer than 2 colour × shape combinations for training');
  if (errs.length) throw new Error(`Invalid Shapes config: ${errs.join('; ')}`);
}

/** Place one object of the given size in the quadrant, with a jitter that keeps it inside the quadrant. */
export function placeObject(rng: Rng, imageSize: number, combo: Combo, size: Size, position: Position): ShapeObject {
  const half = imageSize / 2;
  const extent = Math.round(SIZE_FRACTION[size] * imageSize);
  const margin = 0.5;
  const slack = Math.max(0, half - extent - 2 * margin); // room for the centre to move
  const [qx, qy] = POSITION_QUADRANT[position];
  const cx = qx * half + margin + extent / 2 + rng.uniform() * slack;
  const cy = qy * half + margin + extent / 2 + rng.uniform() * slack;
  return { colour: combo.colour, shape: combo.shape, size, position, cx, cy, extent };
}

/**
 * Sample the objects of one image. Train: one object (two with probability twoObjectProb) in
 * different quadrants, distinct colour × shape, never a held-out combination. Val: one object,
 * uniform over all combinations including the held-out ones.
 */
export function sampleScene(rng: Rng, config: ShapesConfig, split: ShapesSplit): ShapeObject[] {
  if (split === 'val') {
    const combo = rng.pick(ALL_COMBOS);
    return [placeObject(rng, config.imageSize, combo, rng.pick(SIZES), rng.pick(POSITIONS))];
  }
  const allowed = ALL_COMBOS.filter((c) => !isHeldOut(config, c.colour, c.shape));
  const n = rng.uniform() < config.twoObjectProb ? 2 : 1;
  const positions = rng.shuffle([...POSITIONS]);
  const objects: ShapeObject[] = [];
  const first = rng.pick(allowed);
  objects.push(placeObject(rng, config.imageSize, first, rng.pick(SIZES), positions[0]));
  if (n === 2) {
    const rest = allowed.filter((c) => c !== first);
    objects.push(placeObject(rng, config.imageSize, rng.pick(rest), rng.pick(SIZES), positions[1]));
  }
  return objects;
}
