#!/usr/bin/env node
// Headless zero-shot classification with a model file, by the app's own inference worker in
// headless Chromium (the same decoding, preprocessing, template ensemble and scores as the Try view):
//
//   npm run zeroshot -- --model run.safetensors --labels "a red circle,a blue square" --image a.png [--image b.jpg] [--templates FILE]
//   npm run zeroshot -- --model DIR ...   (DIR: a CLIP checkpoint folder, Hugging Face or open_clip layout)
//
// --labels: comma-separated (or --labels-file FILE, one per line). --templates FILE: one template
// per line, {} marks the label (default: the model's dataset ensemble). --backend auto|wasm|webgpu|
// webgl|cpu. Prints JSON: per image, the labels with their probabilities (ensemble), most probable
// first, the cosines, the single-template probabilities, the logit scale and any truncated prompt.
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UsageError, importModel, inference, openApp, parseArgs } from './headless.mjs';

const TAG = 'zeroshot';
let app = null;
try {
  const args = parseArgs(process.argv.slice(2), ['image']);
  const need = (k) => {
    if (typeof args[k] !== 'string') throw new UsageError(`--${k} FILE is required`);
    const f = resolve(args[k]);
    if (!existsSync(f)) throw new UsageError(`--${k}: ${f} does not exist`);
    return f;
  };
  const modelFile = need('model');
  const images = (args.image ?? []).map((f) => (typeof f === 'string' ? resolve(f) : ''));
  if (!images.length) throw new UsageError('give at least one --image FILE');
  for (const f of images) if (!f || !existsSync(f)) throw new UsageError(`--image: ${f || '(no file name)'} does not exist`);
  const lines = (text) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const labels = args['labels-file'] ? lines(readFileSync(need('labels-file'), 'utf8')) : typeof args.labels === 'string' ? args.labels.split(',').map((l) => l.trim()).filter(Boolean) : [];
  if (!labels.length) throw new UsageError('--labels "a,b,c" (or --labels-file FILE) with at least one label is required');
  const templatesArg = args.templates ? lines(readFileSync(need('templates'), 'utf8')) : null;

  app = await openApp(TAG, { quiet: true });
  const { page } = app;
  if (args.backend && args.backend !== 'auto') await inference(page, { type: 'init', backend: args.backend });
  const model = await importModel(page, modelFile, TAG);
  const loaded = (await inference(page, { type: 'loadModel', source: { kind: 'stored', id: model.id } })).model;
  const templates = templatesArg ?? loaded.templates;
  const results = [];
  for (const [i, file] of images.entries()) {
    const bytes = Array.from(readFileSync(file));
    const image = await page.evaluate(
      async ({ bytes, name, key }) => {
        const blob = new Blob([new Uint8Array(bytes)]);
        const r = await window.__clipLab.inferenceRequest({ type: 'setImage', requestId: `cli-img-${key}`, imageKey: key, image: { kind: 'encoded', blob, name } });
        return { original: r.original, size: r.size };
      },
      { bytes, name: basename(file), key: `image-${i}` },
    );
    const r = await inference(page, { type: 'zeroShot', imageKey: `image-${i}`, labels, templates, singleTemplate: 0 });
    results.push({
      image: file,
      original: image.original,
      inputSize: image.size,
      predictions: r.ensemble.order.map((c) => ({ label: labels[c], probability: r.ensemble.probabilities[c], cosine: r.ensemble.cosines[c], singleTemplateProbability: r.single.probabilities[c] })),
      ms: r.ms,
      truncated: r.truncated,
    });
  }
  const backend = await page.evaluate(() => window.__clipLab.getTry().backend?.active ?? null);
  console.log(JSON.stringify({ model: { file: modelFile, name: loaded.name, step: loaded.step, dataset: loaded.datasetName }, backend, logitScale: loaded.logitScale, labels, templates, singleTemplate: templates[0], results }, null, 2));
} catch (e) {
  console.error(`[${TAG}] ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
} finally {
  await app?.close();
}
