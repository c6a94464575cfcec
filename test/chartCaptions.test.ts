// The zero-shot chart's caption follows the dataset: colour × shape with held-out combinations on
// the Shapes world, plain classes on Fashion-MNIST, and a plain statement when there are no labels.
import { describe, expect, it } from 'vitest';
import { zeroShotCaption } from '../src/ui/chartCaptions';

describe('zeroShotCaption', () => {
  it('Shapes: names a class and the held-out combinations', () => {
    const classes = [{ name: 'red circle', heldOut: false }, { name: 'red triangle', heldOut: true }, { name: 'green star', heldOut: true }];
    expect(zeroShotCaption({ classes })).toBe(
      'Classify validation images by the nearest class prompt (“red circle”, …) among 3 colour × shape classes. The 2 held-out combinations were never seen in training.',
    );
  });
  it('Fashion-MNIST: its own classes, no held-out wording', () => {
    const caption = zeroShotCaption({ classes: [{ name: 'T-shirt/top', heldOut: false }, { name: 'ankle boot', heldOut: false }] });
    expect(caption).toBe('Classify validation images by the nearest class prompt (“T-shirt/top”, …) among 2 classes.');
    expect(caption).not.toMatch(/held-out|red circle/);
  });
  it('imported data without labels says so', () => {
    expect(zeroShotCaption({ classes: [] })).toMatch(/^This dataset has no class labels, so there is no zero-shot classification/);
  });
});
