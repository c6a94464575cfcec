// Fixes tfjs 4.22's WebGPU transpose shader for int32 inputs (tfjs tracker #8638,
// fix in PR #8616, unreleased). On Chromium >= 141 the generated WGSL assigns an
// i32 element to an f32 output without a conversion, the shader fails to compile,
// and nothing throws: results come back as zeros or stale data. Reading the element
// through f32(...) cures it (the shared-memory 2-D transpose already does this).
//
// Runs as `postinstall`, so every `npm ci` / `npm install` applies it. Idempotent.
// The canary e2e test (e2e/webgpu-transpose-canary.spec.ts) fails if this is lost.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-webgpu', 'dist');

const BROKEN = /setOutputAtIndex\(flatIndex, A\[(getIndexFromCoords[^\]]*?uniforms\.aShape\))\]\);/g;
const FIXED_MARK = 'setOutputAtIndex(flatIndex, f32(A[getIndexFromCoords';

function* jsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* jsFiles(p);
    else if (name.endsWith('.js')) yield p;
  }
}

let patched = 0;
let alreadyFixed = 0;
try {
  statSync(dist);
} catch {
  console.log('[patch-tfjs-webgpu] @tensorflow/tfjs-backend-webgpu not installed; nothing to patch');
  process.exit(0);
}
for (const file of jsFiles(dist)) {
  const src = readFileSync(file, 'utf8');
  if (!src.includes('uniforms.aShape')) continue;
  const out = src.replace(BROKEN, (_m, inner) => `setOutputAtIndex(flatIndex, f32(A[${inner}]));`);
  if (out !== src) {
    writeFileSync(file, out);
    patched++;
  } else if (src.includes(FIXED_MARK)) {
    alreadyFixed++;
  }
}
if (patched + alreadyFixed === 0) {
  console.error('[patch-tfjs-webgpu] transpose shader pattern not found: tfjs version changed? Check the fix.');
  process.exit(1);
}
console.log(`[patch-tfjs-webgpu] transpose int32 fix: ${patched} file(s) patched, ${alreadyFixed} already fixed`);
