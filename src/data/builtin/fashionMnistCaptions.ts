// Caption and zero-shot prompt text for the built-in Fashion-MNIST's ten classes (fashionMnist.ts):
// each class as a noun phrase with its article, filled into caption and prompt templates; an image
// gets FASHION_CAPTIONS_PER_IMAGE distinct captions, its templates drawn without replacement.
import { FASHION_MNIST_CLASSES } from './fashionMnist';

/**
 * Each class as a noun phrase with its article, as used in captions and zero-shot prompts
 * ("a t-shirt", "a pair of trousers", "an ankle boot"). Use these (not FASHION_MNIST_CLASSES) as
 * the class names filled into FASHION_PROMPT_TEMPLATES, e.g. as a manifest's `classes[].name`.
 */
export const FASHION_CLASS_PHRASES: readonly string[] = [
  't-shirt',
  'pair of trousers',
  'pullover',
  'dress',
  'coat',
  'sandal',
  'shirt',
  'sneaker',
  'bag',
  'ankle boot',
].map(withArticle);

/** 'a' or 'an' + phrase, by the first letter (right for every phrase used here). */
export function withArticle(phrase: string): string {
  return `${/^[aeiou]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

/** Caption phrasings; '{}' is a class phrase that already carries its article. */
export const FASHION_CAPTION_TEMPLATES: readonly string[] = [
  'a photo of {}',
  'a black and white picture of {}',
  'a grayscale photo of {}',
  'a small image of {}',
  'a low resolution photo of {}',
  'a picture of {}',
  '{} on a black background',
  'a tiny grayscale image of {}',
  'there is {} in the picture',
  'a product photo of {}',
];

/**
 * Zero-shot prompt templates, worded like the captions. '{}' must be filled with a phrase that
 * includes its article: FASHION_CLASS_PHRASES[label] (see fashionPrompt).
 */
export const FASHION_PROMPT_TEMPLATES: readonly string[] = [
  'a photo of {}',
  'a black and white picture of {}',
  'a grayscale photo of {}',
  'a small image of {}',
];

/** Captions per image. */
export const FASHION_CAPTIONS_PER_IMAGE = 3;

/** Anything with an integer draw in [0, n) — src/util/prng.ts's Rng fits. */
export interface IntRng {
  int(n: number): number;
}

function checkLabel(label: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= FASHION_MNIST_CLASSES.length) {
    throw new Error(`Fashion-MNIST label must be an integer 0..${FASHION_MNIST_CLASSES.length - 1}, got ${label}`);
  }
}

function fill(template: string, phrase: string): string {
  return template.split('{}').join(phrase);
}

/** Fill one template with the class phrase of `label` ("a photo of an ankle boot"). */
export function fashionPrompt(template: string, label: number): string {
  checkLabel(label);
  return fill(template, FASHION_CLASS_PHRASES[label]);
}

/** `count` (default 3) distinct captions for an image of class `label`, templates drawn by `rng`. */
export function fashionCaptions(label: number, rng: IntRng, count = FASHION_CAPTIONS_PER_IMAGE): string[] {
  checkLabel(label);
  const n = FASHION_CAPTION_TEMPLATES.length;
  const k = Math.min(Math.max(0, Math.floor(count)), n);
  const idx = Array.from({ length: n }, (_, i) => i);
  // Partial Fisher–Yates: the first k slots become a uniform sample without replacement.
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, k).map((t) => fill(FASHION_CAPTION_TEMPLATES[t], FASHION_CLASS_PHRASES[label]));
}
