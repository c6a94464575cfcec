// The zero-shot report of the evaluation suite (docs/methods.md §7): top-1 and top-k accuracy,
// accuracy per class and the confusion matrix, from the N×C scores (cosines u·w_c or logits) of
// labelled images. Rows without a label (label < 0) are skipped. Pure; ties go to the lower class.

export interface ClassificationReport {
  /** Labelled rows counted. */
  n: number;
  top1: number;
  /** Accuracy at k (NaN when k ≥ the number of classes: trivially 1, so not reported). */
  topK: number;
  k: number;
  /** Per class: correct / images of that class (NaN for a class without images). */
  perClass: Float64Array;
  /** confusion[true · C + predicted] = count. */
  confusion: Int32Array;
}

export function classificationReport(scores: ArrayLike<number>, labels: ArrayLike<number>, classes: number, k = 5): ClassificationReport {
  const rows = labels.length;
  if (scores.length !== rows * classes) throw new Error(`classification report: ${scores.length} scores for ${rows} rows × ${classes} classes`);
  const confusion = new Int32Array(classes * classes);
  const perClassTotal = new Int32Array(classes);
  let n = 0;
  let hit1 = 0;
  let hitK = 0;
  for (let i = 0; i < rows; i++) {
    const y = labels[i]!;
    if (y < 0) continue;
    if (y >= classes) throw new Error(`classification report: label ${y} of row ${i} is not in [0, ${classes})`);
    n++;
    const row = i * classes;
    const own = scores[row + y]!;
    let pred = 0;
    let above = 0;
    for (let c = 0; c < classes; c++) {
      const s = scores[row + c]!;
      if (s > scores[row + pred]!) pred = c;
      // Classes ranked ahead of the true one: strictly higher, or equal with a lower index.
      if (s > own || (s === own && c < y)) above++;
    }
    confusion[y * classes + pred]!++;
    perClassTotal[y]!++;
    if (pred === y) hit1++;
    if (above < k) hitK++;
  }
  const perClass = new Float64Array(classes);
  for (let c = 0; c < classes; c++) perClass[c] = perClassTotal[c] ? confusion[c * classes + c]! / perClassTotal[c]! : NaN;
  return { n, top1: n ? hit1 / n : NaN, topK: n && k < classes ? hitK / n : NaN, k, perClass, confusion };
}
