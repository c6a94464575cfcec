// Shapes world: generate (image, captions) pairs. Each pair is a pure function of
// (config, split, index), so shards can be generated in any order or in parallel.

import { deriveSeed, Rng } from '../../util/prng';
import { COLOURS, SHAPES } from './attributes';
import type { Colour, Shape } from './attributes';
import { sampleCaptions } from './captions';
import { rasterizeScene } from './rasterize';
import { DEFAULT_SHAPES_CONFIG, isHeldOut, sampleScene, validateShapesConfig } from './scene';
import type { ShapeObject, ShapesConfig, ShapesSplit } from './scene';

export interface ShapesPair {
  /** imageSize·imageSize·3 bytes, RGB, row-major (HWC). */
  image: Uint8Array;
  /** Several distinct phrasings, all true of the image. */
  captions: string[];
  objects: ShapeObject[];
}

export interface ShapesClass {
  colour: Colour;
  shape: Shape;
  /** "red circle" */
  name: string;
  /** Held out of the train split under the given config. */
  heldOut: boolean;
}

const validated = new WeakSet<ShapesConfig>();

/** Seeds of one pair's independent streams (scene, pixels, captions). */
function pairRngs(config: ShapesConfig, split: ShapesSplit, index: number): { scene: Rng; pixels: Rng; captions: Rng } {
  if (!validated.has(config)) {
    validateShapesConfig(config);
    validated.add(config);
  }
  if (split !== 'train' && split !== 'val') throw new Error(`unknown Shapes split ${String(split)}`);
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`Shapes pair index must be a non-negative integer, got ${index}`);
  const base = deriveSeed(config.seed, `${split}:${index}`);
  return {
    scene: new Rng(deriveSeed(base, 'scene')),
    pixels: new Rng(deriveSeed(base, 'pixels')),
    captions: new Rng(deriveSeed(base, 'captions')),
  };
}

/** The objects of one pair (no rasterisation). */
export function shapesSceneOf(config: ShapesConfig, split: ShapesSplit, index: number): ShapeObject[] {
  return sampleScene(pairRngs(config, split, index).scene, config, split);
}

/** Captions of one pair without drawing its image (cheap; e.g. for tokenizer training). */
export function shapesCaptionsOf(config: ShapesConfig, split: ShapesSplit, index: number): string[] {
  const rngs = pairRngs(config, split, index);
  return sampleCaptions(rngs.captions, sampleScene(rngs.scene, config, split));
}

/** One (image, captions, objects) pair; identical for identical (config, split, index). */
export function generateShapesPair(config: ShapesConfig, split: ShapesSplit, index: number): ShapesPair {
  const rngs = pairRngs(config, split, index);
  const objects = sampleScene(rngs.scene, config, split);
  const image = rasterizeScene(rngs.pixels, config.imageSize, objects);
  const captions = sampleCaptions(rngs.captions, objects);
  return { image, captions, objects };
}

/** Pairs start … start+count−1 with the images packed into one count·S·S·3 buffer. */
export function generateShapesRange(
  config: ShapesConfig,
  split: ShapesSplit,
  start: number,
  count: number,
): { images: Uint8Array; captions: string[][]; objects: ShapeObject[][] } {
  const px = config.imageSize * config.imageSize * 3;
  const images = new Uint8Array(count * px);
  const captions: string[][] = [];
  const objects: ShapeObject[][] = [];
  for (let i = 0; i < count; i++) {
    const p = generateShapesPair(config, split, start + i);
    images.set(p.image, i * px);
    captions.push(p.captions);
    objects.push(p.objects);
  }
  return { images, captions, objects };
}

/** All captions of train pairs 0 … count−1 (the corpus to train the tokenizer on). */
export function* shapesCaptionCorpus(config: ShapesConfig, count: number, split: ShapesSplit = 'train'): Generator<string> {
  for (let i = 0; i < count; i++) yield* shapesCaptionsOf(config, split, i);
}

/** Every colour × shape class in a fixed order (colour-major: red circle, red square, …). */
export function shapesClasses(config: Pick<ShapesConfig, 'heldOut'> = DEFAULT_SHAPES_CONFIG): ShapesClass[] {
  return COLOURS.flatMap((colour) =>
    SHAPES.map((shape) => ({ colour, shape, name: `${colour} ${shape}`, heldOut: isHeldOut(config, colour, shape) })),
  );
}

/**
 * Index into shapesClasses() of a one-object (val) image. The class order does not depend on the
 * config, so the optional leading config argument (accepted for call-site convenience) is ignored.
 */
export function classIndexOf(objects: readonly ShapeObject[]): number;
export function classIndexOf(config: Pick<ShapesConfig, 'heldOut'>, objects: readonly ShapeObject[]): number;
export function classIndexOf(a: readonly ShapeObject[] | Pick<ShapesConfig, 'heldOut'>, b?: readonly ShapeObject[]): number {
  const objects = Array.isArray(a) ? (a as readonly ShapeObject[]) : b;
  if (!objects || objects.length !== 1) throw new Error(`classIndexOf expects exactly one object, got ${objects?.length ?? 0}`);
  const { colour, shape } = objects[0];
  return COLOURS.indexOf(colour) * SHAPES.length + SHAPES.indexOf(shape);
}
