// Canary (Node side): the postinstall fix for tfjs 4.22's WebGPU int32 transpose
// (scripts/patch-tfjs-webgpu.mjs) is present in the installed package. The browser
// canary (e2e/webgpu-transpose-canary.spec.ts) checks the effect on a real device.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('@tensorflow/tfjs-backend-webgpu/package.json'));

describe('tfjs-backend-webgpu transpose patch', () => {
  for (const file of ['dist/transpose_webgpu.js', 'dist/tf-backend-webgpu.js', 'dist/tf-backend-webgpu.min.js']) {
    it(`${file} reads the input through f32(...)`, () => {
      const src = readFileSync(join(dist, file), 'utf8');
      expect(src).toContain('f32(A[getIndexFromCoords');
      expect(src).not.toMatch(/setOutputAtIndex\(flatIndex, A\[getIndexFromCoords/);
    });
  }
});
