#!/usr/bin/env node
// Headless evaluation suite of a model file on a dataset (docs/methods.md §7), by the app's own
// inference worker in headless Chromium: zero-shot top-1/top-5 (ensemble and one template, per class,
// confusion), retrieval recall@1/5/10 both ways, and a linear probe.
//
//   npm run eval -- --model run.safetensors --dataset shapes [--backend wasm] [--json FILE]
//   npm run eval -- --model DIR --dataset fashion-mnist   (DIR: a CLIP checkpoint folder, Hugging Face or open_clip layout)
//
// --dataset: "shapes" (the model's own Shapes world, regenerated from the spec in the file) or
// "fashion-mnist" (the built-in set). Prints the suite's result as JSON (and writes it with --json).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError, importModel, inference, openApp, parseArgs } from './headless.mjs';

const TAG = 'eval';
const DATASETS = ['shapes', 'fashion-mnist'];
let app = null;
try {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args.model !== 'string') throw new UsageError('--model FILE is required');
  const modelFile = resolve(args.model);
  if (!existsSync(modelFile)) throw new UsageError(`--model: ${modelFile} does not exist`);
  const dataset = typeof args.dataset === 'string' ? args.dataset.toLowerCase() : '';
  if (!DATASETS.includes(dataset)) throw new UsageError(`--dataset must be one of ${DATASETS.join(', ')}`);

  app = await openApp(TAG, { quiet: true });
  const { page } = app;
  if (args.backend && args.backend !== 'auto') await inference(page, { type: 'init', backend: args.backend });
  const model = await importModel(page, modelFile, TAG);
  let datasetId;
  if (dataset === 'shapes') {
    if (model.kind === 'clip') throw new UsageError('a CLIP checkpoint has no Shapes world of its own: use --dataset fashion-mnist');
    if (model.config.dataset.kind !== 'shapes') throw new UsageError(`the model was trained on ${model.datasetName}, not a Shapes world: use --dataset fashion-mnist or the app`);
    // Loading the model in the trainer regenerates its Shapes world from the spec in the file.
    await page.evaluate((id) => window.__clipLab.send({ type: 'resumeModel', id }), model.id);
    await page.waitForFunction((id) => window.__clipLab.getModels().run?.id === id && ['paused', 'done', 'error'].includes(window.__clipLab.getState().status.state), model.id, { timeout: 600_000 });
    datasetId = model.datasetId;
  } else {
    // A CLIP checkpoint reads the 28-px images stored at 32 px, resized to its input (a store at
    // 224 px would take gigabytes); its own tokenizer encodes the captions (the set's BPE is unused).
    const clip = model.kind === 'clip';
    const size = clip ? 32 : model.config.model.image.imageSize;
    await page.evaluate(
      ({ size, vocab }) => window.__clipLab.sendData({ type: 'ensureBuiltin', requestId: 'cli-builtin', name: 'fashion-mnist', imageSize: size, vocabSize: vocab }),
      { size, vocab: clip ? 1024 : model.config.model.text.vocabSize },
    );
    // (functions, not strings: the app's Content Security Policy forbids eval)
    await page.waitForFunction((s) => window.__clipLab.getDataState().datasets.some((d) => d.source === 'fashion-mnist' && d.imageSize === s), size, { timeout: 600_000 });
    datasetId = await page.evaluate((s) => window.__clipLab.getDataState().datasets.find((d) => d.source === 'fashion-mnist' && d.imageSize === s).id, size);
  }
  const errors = await page.evaluate(() => window.__clipLab.getState().errors.map((e) => `${e.context}: ${e.message}`));
  if (errors.length) throw new Error(errors.join('; '));
  await inference(page, { type: 'loadModel', source: { kind: 'stored', id: model.id } });
  const { result } = await inference(page, { type: 'evaluate', datasetId });
  const backend = await page.evaluate(() => window.__clipLab.getTry().backend?.active ?? null);
  const out = { model: { file: modelFile, name: model.name, step: model.step }, backend, ...result };
  const text = JSON.stringify(out, null, 2);
  console.log(text);
  if (typeof args.json === 'string') {
    mkdirSync(dirname(resolve(args.json)), { recursive: true });
    writeFileSync(resolve(args.json), text);
  }
} catch (e) {
  console.error(`[${TAG}] ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
} finally {
  await app?.close();
}
