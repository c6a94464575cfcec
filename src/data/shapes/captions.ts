// Caption phrasings. Every caption only states facts about the drawn objects; some give colour and
// shape only, others add size and/or position. No trailing punctuation (prompts follow the same style).

import type { Rng } from '../../util/prng';
import type { ShapeObject } from './scene';

type One = (o: ShapeObject) => string;
type Two = (a: ShapeObject, b: ShapeObject) => string;

/** Phrasings for a one-object image. */
export const SINGLE_OBJECT_TEMPLATES: readonly One[] = [
  (o) => `a ${o.size} ${o.colour} ${o.shape} in the ${o.position}`,
  (o) => `${o.position}: a ${o.colour} ${o.shape}`,
  (o) => `a ${o.colour} ${o.shape}`,
  (o) => `there is a ${o.size} ${o.colour} ${o.shape} at the ${o.position}`,
  (o) => `a ${o.colour} ${o.shape} in the ${o.position}`,
  (o) => `a ${o.size} ${o.colour} ${o.shape}`,
  (o) => `a picture of a ${o.colour} ${o.shape}`,
  (o) => `there is a ${o.colour} ${o.shape} in the picture`,
  (o) => `a ${o.colour} ${o.shape} on a dark background`,
  (o) => `the ${o.shape} in the ${o.position} is ${o.colour}`,
];

/**
 * Phrasings for a two-object image (the objects are passed in random order). Each is at most 13
 * words/punctuation marks, so it fits a 16-token context once every word is a single token.
 */
export const TWO_OBJECT_TEMPLATES: readonly Two[] = [
  (a, b) => `a ${a.colour} ${a.shape} and a ${b.colour} ${b.shape}`,
  (a, b) => `a ${a.colour} ${a.shape} in the ${a.position} and a ${b.colour} ${b.shape}`,
  (a, b) => `a ${a.size} ${a.colour} ${a.shape} and a ${b.size} ${b.colour} ${b.shape}`,
  (a, b) => `a ${a.colour} ${a.shape} at ${a.position} and a ${b.colour} ${b.shape} at ${b.position}`,
  (a, b) => `two shapes: a ${a.colour} ${a.shape} and a ${b.colour} ${b.shape}`,
  (a, b) => `${a.position}: a ${a.colour} ${a.shape}; ${b.position}: a ${b.colour} ${b.shape}`,
  (a, b) => `a ${a.colour} ${a.shape} and a ${b.size} ${b.colour} ${b.shape}`,
  (a, b) => `a picture of a ${a.colour} ${a.shape} and a ${b.colour} ${b.shape}`,
  (a, b) => `there is a ${a.colour} ${a.shape} and a ${b.colour} ${b.shape}`,
];

/** Zero-shot prompt templates ('{}' = class name such as "red circle"), worded like the captions. */
export const SHAPES_PROMPT_TEMPLATES: readonly string[] = [
  'a {}',
  'a picture of a {}',
  'there is a {} in the picture',
  'a {} on a dark background',
];

/** Fill a prompt template with a class name ("red circle"). */
export function fillPromptTemplate(template: string, className: string): string {
  return template.split('{}').join(className);
}

/** Number of captions generated per image (distinct phrasings). */
export const CAPTIONS_PER_IMAGE = 3;

/** count distinct phrasings of the scene (1 or 2 objects), in random order. */
export function sampleCaptions(rng: Rng, objects: readonly ShapeObject[], count = CAPTIONS_PER_IMAGE): string[] {
  if (objects.length === 1) {
    const o = objects[0];
    return pickDistinct(rng, SINGLE_OBJECT_TEMPLATES.length, count).map((t) => SINGLE_OBJECT_TEMPLATES[t](o));
  }
  if (objects.length === 2) {
    return pickDistinct(rng, TWO_OBJECT_TEMPLATES.length, count).map((t) => {
      const [a, b] = rng.uniform() < 0.5 ? [objects[0], objects[1]] : [objects[1], objects[0]];
      return TWO_OBJECT_TEMPLATES[t](a, b);
    });
  }
  throw new Error(`Shapes captions support 1 or 2 objects, got ${objects.length}`);
}

function pickDistinct(rng: Rng, n: number, k: number): number[] {
  const idx = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  return idx.slice(0, Math.min(k, n));
}
