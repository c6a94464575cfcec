// Chart captions that depend on the data being trained on.
import type { DatasetReport } from '../protocol/trainer';

/** What the zero-shot chart measures on this dataset (or that it cannot measure anything). */
export function zeroShotCaption(d: Pick<DatasetReport, 'classes'> | null): string {
  if (!d) return 'Classify validation images by the nearest class prompt; appears after the first evaluation.';
  if (d.classes.length === 0) return 'This dataset has no class labels, so there is no zero-shot classification: see Retrieval recall@k.';
  const example = `“${d.classes[0]!.name}”`;
  const heldOut = d.classes.filter((c) => c.heldOut).length;
  return heldOut > 0
    ? `Classify validation images by the nearest class prompt (${example}, …) among ${d.classes.length} colour × shape classes. The ${heldOut} held-out combinations were never seen in training.`
    : `Classify validation images by the nearest class prompt (${example}, …) among ${d.classes.length} classes.`;
}
