// Train/validation assignment by a stable hash of (seed, key): the same pair always
// lands in the same split, whatever order or batch it is imported in, so no pair can
// ever be in both. The hash is cyrb53 (53 bits, good avalanche; public domain).

function cyrb53(s: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * 'val' for about valFraction of keys, 'train' for the rest; deterministic in
 * (key, valFraction, seed). valFraction is clamped to [0, 1]; seed is any integer.
 */
export function splitOf(key: string, valFraction: number, seed: number): 'train' | 'val' {
  const f = Number.isFinite(valFraction) ? Math.min(1, Math.max(0, valFraction)) : 0;
  const u = cyrb53(key, seed | 0) / 2 ** 53; // uniform in [0, 1)
  return u < f ? 'val' : 'train';
}
