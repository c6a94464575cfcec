// What the zero-shot playground shows for one image (docs/methods.md §7): the cosine of the image's
// unit embedding u with each class vector w_c, and the probabilities p = softmax(s · cos) at the
// model's logit scale s = exp t, classes sorted by probability. Float64, pure.
import { softmaxRows } from './softmax';

export interface ZeroShotScores {
  cosines: Float64Array;
  probabilities: Float64Array;
  /** Class indices, most probable first (ties: lower index first). */
  order: number[];
}

/** `u` has d entries; `w` is classes × d, row-major (rows unit length, see classEmbeddings). */
export function zeroShotScores(u: ArrayLike<number>, w: ArrayLike<number>, classes: number, d: number, logitScale: number): ZeroShotScores {
  if (u.length !== d || w.length !== classes * d) throw new Error(`zero-shot scores: expected u of ${d} and w of ${classes} × ${d} values`);
  if (!(logitScale > 0) || !Number.isFinite(logitScale)) throw new Error(`zero-shot scores: the logit scale must be positive, got ${logitScale}`);
  const cosines = new Float64Array(classes);
  for (let c = 0; c < classes; c++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += u[k]! * w[c * d + k]!;
    cosines[c] = s;
  }
  const probabilities = softmaxRows(cosines.map((v) => logitScale * v), 1, classes);
  const order = Array.from({ length: classes }, (_, c) => c).sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  return { cosines, probabilities, order };
}

/** The prompts that do not fit the text tower's context (start + tokens + end): the model sees them cut. */
export function truncatedPrompts(prompts: readonly string[], encode: (text: string) => readonly number[], contextLength: number): { prompt: string; tokens: number; kept: number }[] {
  const room = contextLength - 2;
  return prompts.flatMap((prompt) => {
    const tokens = encode(prompt).length;
    return tokens > room ? [{ prompt, tokens, kept: room }] : [];
  });
}
