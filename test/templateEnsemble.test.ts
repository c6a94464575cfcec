// The prompt-template ensemble of the playground (docs/methods.md §7) on hand-computed cases:
// filling templates, prompt order, w_c = normalise(mean_t e_{c,t}/‖e_{c,t}‖), and the checks of
// what the user typed (labels and templates, one per line).
import { describe, expect, it } from 'vitest';
import { ensembleClassVectors, fillTemplate, linesOf, promptProblems, promptsFor } from '../src/eval/templateEnsemble';

function expectRows(got: Float64Array, want: number[][], digits = 12): void {
  expect(got.length).toBe(want.flat().length);
  want.flat().forEach((x, i) => expect(got[i]).toBeCloseTo(x, digits));
}

describe('fillTemplate / promptsFor', () => {
  it('replaces the first {} by the label', () => {
    expect(fillTemplate('a photo of a {}.', 'cat')).toBe('a photo of a cat.');
    expect(fillTemplate('{}', 'red circle')).toBe('red circle');
    expect(fillTemplate('{} and {}', 'cat')).toBe('cat and {}');
    expect(fillTemplate('no slot', 'cat')).toBe('no slot');
  });

  it('inserts a label with replacement patterns literally', () => {
    expect(fillTemplate('a {}!', '$&')).toBe('a $&!');
    expect(fillTemplate('a {}!', '$1')).toBe('a $1!');
    expect(fillTemplate('a {}!', "$`$'$$")).toBe("a $`$'$$!");
    expect(fillTemplate('x{}y', '{}')).toBe('x{}y');
  });

  it('orders prompts label-major: prompts[c·T + t]', () => {
    expect(promptsFor(['cat', 'dog'], ['a {}', '{} here', '{}'])).toEqual(['a cat', 'cat here', 'cat', 'a dog', 'dog here', 'dog']);
    expect(promptsFor([], ['a {}'])).toEqual([]);
    expect(promptsFor(['cat'], [])).toEqual([]);
  });
});

describe('ensembleClassVectors', () => {
  // 2 labels × 2 templates × D = 2, none of unit length.
  //   label 0: (3,4)/5 = (0.6, 0.8), (0,2)/2 = (0, 1)   → mean (0.3, 0.9)  → (1, 3)/√10
  //   label 1: (−5,0)/5 = (−1, 0), (2,−2)/√8 = (1,−1)/√2 → mean ((1/√2 − 1)/2, −1/(2√2)) → (−sin 22.5°, −cos 22.5°)
  const e = [3, 4, 0, 2, -5, 0, 2, -2];
  const want = [
    [1 / Math.sqrt(10), 3 / Math.sqrt(10)],
    [-0.3826834323650898, -0.9238795325112867],
  ];

  it('normalises each prompt, averages over templates, renormalises (hand-computed)', () => {
    expectRows(ensembleClassVectors(e, 2, 2, 2), want);
    // Float32 input (what the encoders give) to float32 precision.
    expectRows(ensembleClassVectors(Float32Array.from(e), 2, 2, 2), want, 6);
  });

  it('is not the normalised plain mean of the raw embeddings', () => {
    // normalise(mean of raw) for label 0 would be (3, 6)/√45 = (0.447, 0.894), not (0.316, 0.949).
    const w = ensembleClassVectors(e, 2, 2, 2);
    expect(w[0]).not.toBeCloseTo(3 / Math.sqrt(45), 2);
  });

  it('one template gives each prompt normalised (D = 3)', () => {
    const w = ensembleClassVectors([1, 2, 2, 0, -3, 4], 2, 1, 3);
    expectRows(w, [
      [1 / 3, 2 / 3, 2 / 3],
      [0, -0.6, 0.8],
    ]);
  });

  it('rows are unit length (3 labels × 4 templates × D = 3)', () => {
    const vals = Array.from({ length: 3 * 4 * 3 }, (_, i) => Math.sin(i * 1.7 + 0.3) * (1 + (i % 5)));
    const w = ensembleClassVectors(vals, 3, 4, 3);
    for (let c = 0; c < 3; c++) expect(Math.hypot(w[3 * c]!, w[3 * c + 1]!, w[3 * c + 2]!)).toBeCloseTo(1, 12);
  });

  it('a zero prompt embedding throws, naming the prompt', () => {
    expect(() => ensembleClassVectors([1, 0, 0, 0], 1, 2, 2)).toThrow(/prompt 1 has a zero embedding/);
    expect(() => ensembleClassVectors([1, 1, 2, 2, 0, 0, 3, 1], 2, 2, 2)).toThrow(/prompt 2 has a zero embedding/);
  });

  it('exact cancellation gives a zero row, not NaN, and leaves the other rows alone', () => {
    // label 0: (1,0) and (−2,0) normalise to opposite vectors; label 1 as in the hand case above.
    const w = ensembleClassVectors([1, 0, -2, 0, -5, 0, 2, -2], 2, 2, 2);
    expect(Array.from(w.subarray(0, 2))).toEqual([0, 0]);
    expectRows(w.subarray(2), [want[1]!]);
  });

  it('a wrong number of values throws', () => {
    expect(() => ensembleClassVectors([1, 2, 3], 1, 2, 2)).toThrow(/3 values for 1 × 2 prompts of 2/);
    expect(() => ensembleClassVectors(new Float32Array(10), 2, 2, 2)).toThrow(/template ensemble/);
  });
});

describe('linesOf / promptProblems', () => {
  it('linesOf trims, drops blank lines, handles CRLF', () => {
    expect(linesOf('  cat \r\n\r\ndog\n   \n\tred bird\t\r\n')).toEqual(['cat', 'dog', 'red bird']);
    expect(linesOf('')).toEqual([]);
    expect(linesOf('\n \r\n\t')).toEqual([]);
    expect(linesOf('a photo of a {}.')).toEqual(['a photo of a {}.']);
  });

  it('no problems for good input', () => {
    expect(promptProblems(['cat', 'dog'], ['a {}', 'a photo of a {}.'])).toEqual([]);
  });

  it('empty labels, empty templates', () => {
    const noLabels = promptProblems([], ['a {}']);
    expect(noLabels).toHaveLength(1);
    expect(noLabels[0]).toMatch(/^Type at least one label/);
    const noTemplates = promptProblems(['cat'], []);
    expect(noTemplates).toHaveLength(1);
    expect(noTemplates[0]).toMatch(/^Type at least one template/);
    expect(promptProblems([], [])).toHaveLength(2);
  });

  it('a template without {}', () => {
    expect(promptProblems(['cat'], ['a {}', 'a photo', '{ }'])).toEqual([
      'The template "a photo" has no {} where the label goes.',
      'The template "{ }" has no {} where the label goes.',
    ]);
  });

  it('a duplicate label', () => {
    expect(promptProblems(['cat', 'dog', 'cat'], ['a {}'])).toEqual(['The label "cat" is listed twice.']);
    expect(promptProblems(['cat', 'Cat'], ['a {}'])).toEqual([]);
  });
});
