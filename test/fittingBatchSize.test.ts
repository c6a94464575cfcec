// The batch size offered when a dataset is smaller than the batch (Start is blocked otherwise).
import { describe, expect, it } from 'vitest';
import { fittingBatchSize } from '../src/config/validate';

describe('fittingBatchSize', () => {
  it('offers the largest power of two that fits', () => {
    expect(fittingBatchSize(48, 64)).toBe(32);
    expect(fittingBatchSize(32, 64)).toBe(32);
    expect(fittingBatchSize(3, 64)).toBe(2);
  });
  it('offers nothing when the batch already fits, nothing fits, or the size is unknown', () => {
    expect(fittingBatchSize(64, 64)).toBeNull();
    expect(fittingBatchSize(1, 64)).toBeNull();
    expect(fittingBatchSize(NaN, 64)).toBeNull();
  });
});
