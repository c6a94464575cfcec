import { describe, expect, test } from 'vitest';
import { splitOf } from '../src/data/formats/split';

const keys = Array.from({ length: 10_000 }, (_, i) => `shard-${Math.floor(i / 1000)}/${String(i).padStart(9, '0')}`);

describe('splitOf', () => {
  test('deterministic', () => {
    for (const k of keys.slice(0, 100)) expect(splitOf(k, 0.1, 42)).toBe(splitOf(k, 0.1, 42));
  });

  test('about valFraction of 10k keys go to val', () => {
    for (const f of [0.05, 0.1, 0.2, 0.5]) {
      const val = keys.filter((k) => splitOf(k, f, 7) === 'val').length;
      // binomial sd <= 50 over 10k keys; allow 4 sd
      expect(Math.abs(val - f * keys.length)).toBeLessThan(200);
    }
  });

  test('order-independent: the assignment of a key does not depend on the others', () => {
    const forward = new Map(keys.map((k) => [k, splitOf(k, 0.1, 3)]));
    const shuffled = [...keys].reverse();
    for (const k of shuffled) expect(splitOf(k, 0.1, 3)).toBe(forward.get(k));
  });

  test('the seed changes the assignment; 0 and 1 are all-train and all-val', () => {
    const a = keys.map((k) => splitOf(k, 0.5, 1));
    const b = keys.map((k) => splitOf(k, 0.5, 2));
    const differ = a.filter((s, i) => s !== b[i]).length;
    expect(differ).toBeGreaterThan(4000);
    expect(keys.every((k) => splitOf(k, 0, 1) === 'train')).toBe(true);
    expect(keys.every((k) => splitOf(k, 1, 1) === 'val')).toBe(true);
  });

  test('similar keys are not correlated (consecutive ids spread across splits)', () => {
    let runs = 0;
    for (let i = 1; i < keys.length; i++) if (splitOf(keys[i], 0.5, 9) !== splitOf(keys[i - 1], 0.5, 9)) runs++;
    expect(runs).toBeGreaterThan(4500);
    expect(runs).toBeLessThan(5500);
  });
});
