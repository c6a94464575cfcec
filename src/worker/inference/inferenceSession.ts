// The inference worker's session: one backend, at most one loaded model (from the library or a
// snapshot of the live run), its playground caches, its retrieval index, and the long jobs in
// flight. Quick requests (an image, a zero-shot update, a search) are answered at once, also while
// a long job runs: jobs yield between chunks. Loading another model cancels the jobs of the old one.
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../backend/selectBackend';
import { openClipLabDB, type ClipLabDatabase } from '../../data/db';
import { sniffImage } from '../../data/formats/imageHeader';
import { decodeToRgb } from '../../data/image/decodeResize';
import { SHAPES_PROMPT_TEMPLATES } from '../../data/shapes/captions';
import { shapesClasses } from '../../data/shapes/generate';
import { getDataset } from '../../data/store/shardStore';
import type { DatasetManifest } from '../../data/store/types';
import { InferenceModel, encodeImagesChunked, encodeTextsChunked } from '../../model/inferenceModel';
import { ClipModel } from '../../model/clipModel';
import { datasetView, keptImageAt, readSplit } from '../../data/store/datasetView';
import { collectGapProbe, recordGapSnapshot } from '../../lab/gapProbe';
import type { GapSnapshot } from '../../protocol/gap';
import type { ModelWeights } from '../../model/modelWeights';
import type { InferenceCommand, InferenceReport, LoadedModelInfo } from '../../protocol/inference';
import { appendModelEvaluation } from '../../train/checkpointStore';
import { loadStoredWeights } from '../../train/runStorage';
import { checkStorageFor, storeClipModel, storedClipBytes } from '../../train/clipModelStorage';
import { loadClipFolder, type CheckpointFile } from '../../model/checkpoints/loadClipFolder';
import { blobSource } from '../../model/files/safetensorsReader';
import { storageInfo } from '../../data/store/storageInfo';
import { yieldToEventLoop } from '../yieldToEventLoop';
import { backgroundColour, readPair, readSamples } from './datasetImages';
import { cropResizeRgb } from '../../data/image/augment';
import { runEvaluationSuite } from './evaluationSuite';
import { benchmarkEncode } from './encodeBench';
import { CancelledError, Jobs } from './jobs';
import { Playground } from './playground';
import { buildRetrievalIndex, captionsFor, searchIndex, type RetrievalIndex } from './retrievalIndex';

/** Templates for a model whose dataset has none (or is gone). */
export const GENERIC_TEMPLATES = ['{}', 'a photo of a {}', 'an image of a {}'];
/** Encoded images larger than this are refused before decoding (bytes). */
export const MAX_IMAGE_BYTES = 64 << 20;

type Post = (r: InferenceReport) => void;

/** A picked file's path inside its folder (webkitdirectory), else its name. */
const relativeName = (f: File) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;

function checkpointFileOf(f: File): CheckpointFile {
  return { name: relativeName(f), text: () => f.text(), source: () => blobSource(f) };
}

/**
 * The labels and templates a model was meant for: its dataset's, or for a Shapes model whose world
 * is not stored, the world's own (they follow from its spec); otherwise generic templates.
 */
function promptsOf(w: ModelWeights, m: DatasetManifest | null): { templates: string[]; classes: string[] } {
  if (m) return { templates: m.promptTemplates.length ? [...m.promptTemplates] : [...GENERIC_TEMPLATES], classes: m.classes.map((c) => c.name) };
  const spec = w.config.dataset;
  if (spec.kind === 'shapes') return { templates: [...SHAPES_PROMPT_TEMPLATES], classes: shapesClasses().map((c) => c.name) };
  return { templates: [...GENERIC_TEMPLATES], classes: [] };
}

export class InferenceSession {
  private db: ClipLabDatabase | null = null;
  private backendReady: Promise<void> | null = null;
  private model: InferenceModel | null = null;
  private info: LoadedModelInfo | null = null;
  private manifest: DatasetManifest | null = null;
  private playground: Playground | null = null;
  private index: RetrievalIndex | null = null;
  private readonly jobs = new Jobs();
  private loads = 0;

  constructor(private readonly post: Post) {}

  private async openDb(): Promise<ClipLabDatabase> {
    this.db ??= await openClipLabDB();
    return this.db;
  }

  async handle(cmd: InferenceCommand): Promise<void> {
    if (cmd.type === 'cancel') {
      this.jobs.cancel(cmd.requestId);
      return;
    }
    try {
      if (cmd.type === 'init') {
        // Another backend: the loaded model's tensors belong to the old one, so it goes (load it again).
        if (this.model) this.unload();
        this.backendReady = this.selectBackend(cmd.backend, cmd.requestId);
        return await this.backendReady;
      }
      await (this.backendReady ??= this.selectBackend('auto'));
      switch (cmd.type) {
        case 'loadModel': {
          const src = cmd.source;
          const weights = src.kind === 'stored' ? async () => loadStoredWeights(await this.openDb(), src.id) : async () => src.weights;
          return await this.load(cmd.requestId, weights, src.kind);
        }
        case 'setImage':
          return await this.setImage(cmd);
        case 'zeroShot': {
          const pg = this.requirePlayground();
          const r = await pg.zeroShot(cmd.imageKey, cmd.labels, cmd.templates, cmd.singleTemplate);
          return this.post({ type: 'zeroShot', requestId: cmd.requestId, modelKey: this.info!.key, ...r });
        }
        case 'samples': {
          const m = await this.dataset(cmd.datasetId);
          const samples = await readSamples(await this.openDb(), m, cmd.split, cmd.offset, Math.min(200, cmd.limit));
          return this.post({ type: 'samples', requestId: cmd.requestId, datasetId: m.id, size: m.imageSize, total: m.splits[cmd.split].pairs, samples });
        }
        case 'buildIndex':
          return await this.buildIndex(cmd.requestId, cmd.datasetId);
        case 'search': {
          const ix = this.requireIndex();
          const t0 = performance.now();
          const { hits, truncated } = await searchIndex(await this.openDb(), ix, this.model!, cmd.query, cmd.k);
          return this.post({ type: 'search', requestId: cmd.requestId, query: cmd.query, size: ix.manifest.imageSize, hits, truncated, ms: performance.now() - t0 });
        }
        case 'imageCaptions': {
          const ix = this.requireIndex();
          return this.post({ type: 'captions', requestId: cmd.requestId, position: cmd.position, captions: captionsFor(ix, this.model!.embedDim, cmd.position, cmd.k) });
        }
        case 'evaluate':
          return await this.evaluate(cmd.requestId, cmd.datasetId);
        case 'importClip':
          return await this.importClip(cmd.requestId, cmd.files, cmd.name);
        case 'gapRecord':
          return await this.gapRecord(cmd.requestId, cmd.datasetId, cmd.seeds);
        case 'benchmarkEncode': {
          if (!this.model) throw new Error('Choose a model first');
          return this.post(await benchmarkEncode(this.model, cmd.requestId, cmd.images, cmd.texts, cmd.repeats, cmd.warmup ?? true));
        }
      }
    } catch (e) {
      this.post({
        type: 'error',
        requestId: cmd.requestId,
        message: e instanceof Error ? e.message : String(e),
        context: cmd.type,
        ...(e instanceof CancelledError ? { cancelled: true } : {}),
      });
    }
  }

  private async selectBackend(choice: Parameters<typeof chooseBackend>[0], requestId = ''): Promise<void> {
    const info = await chooseBackend(choice);
    this.post({ type: 'backend', requestId, info });
  }

  private unload(): void {
    this.jobs.cancelAll();
    this.model?.dispose();
    this.model = null;
    this.info = null;
    this.playground = null;
    this.index = null;
  }

  private requirePlayground(): Playground {
    if (!this.playground) throw new Error('Choose a model first');
    return this.playground;
  }

  private requireIndex(): RetrievalIndex {
    if (!this.index || this.index.modelKey !== this.info?.key) throw new Error('Build the search index for this model first');
    return this.index;
  }

  private async dataset(id: string): Promise<DatasetManifest> {
    if (this.manifest?.id === id) return this.manifest;
    const m = await getDataset(await this.openDb(), id);
    if (!m) throw new Error(`Dataset ${id} is not in storage (deleted?)`);
    return m;
  }

  private async load(requestId: string, weights: () => Promise<ModelWeights>, kind: 'stored' | 'live'): Promise<void> {
    const t0 = performance.now();
    const n = ++this.loads;
    this.post({ type: 'progress', requestId, job: 'load', done: 0, total: 1, message: 'Loading the model…' });
    const w = await weights();
    const model = InferenceModel.fromWeights(w);
    if (n !== this.loads) return model.dispose(); // a newer load won
    this.unload();
    this.model = model;
    this.playground = new Playground(model);
    this.index = null;
    const db = await this.openDb();
    this.manifest = (await getDataset(db, w.dataset.id).catch(() => undefined)) ?? null;
    const m = this.manifest;
    this.info = {
      key: `${kind}:${w.id}@${w.step}#${n}`,
      modelId: w.id,
      name: w.name,
      source: kind,
      step: w.step,
      config: w.config,
      datasetId: w.dataset.id,
      datasetName: w.dataset.name,
      datasetStored: m !== null,
      ...promptsOf(w, m),
      background: m ? await backgroundColour(db, m).catch(() => null) : null,
      logitScale: model.logitScale,
      contextLength: model.contextLength,
      imageSize: model.imageSize,
      embedDim: model.embedDim,
      loadMs: performance.now() - t0,
    };
    this.post({ type: 'modelLoaded', requestId, model: this.info });
    this.post({ type: 'progress', requestId, job: 'load', done: 1, total: 1, message: `Loaded ${w.name} (step ${w.step})` });
  }

  private async setImage(cmd: Extract<InferenceCommand, { type: 'setImage' }>): Promise<void> {
    const pg = this.requirePlayground();
    const S = pg.model.imageSize;
    const t0 = performance.now();
    let rgb: Uint8Array;
    let original: { width: number; height: number } | null = null;
    if (cmd.image.kind === 'encoded') {
      const { blob, name } = cmd.image;
      if (blob.size === 0) throw new Error(`${name}: the file is empty`);
      if (blob.size > MAX_IMAGE_BYTES) throw new Error(`${name}: ${(blob.size / 2 ** 20).toFixed(0)} MB is over the ${MAX_IMAGE_BYTES / 2 ** 20} MB limit for one image`);
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const header = sniffImage(bytes);
      if (header) original = { width: header.width, height: header.height };
      rgb = await decodeToRgb(bytes, S, name);
    } else {
      const m = await this.dataset(cmd.image.datasetId);
      const db = await this.openDb();
      // At the model's size: from the pair's kept image, else the stored image resized whole (as for search and evaluation).
      const kept = await keptImageAt(db, m, cmd.image.split, cmd.image.index, S);
      if (kept) rgb = kept;
      else {
        const stored = (await readPair(db, m, cmd.image.split, cmd.image.index)).rgb;
        rgb = m.imageSize === S ? stored : cropResizeRgb(stored, m.imageSize, { x: 0, y: 0, side: m.imageSize }, S);
      }
    }
    await pg.setImage(cmd.imageKey, rgb);
    this.post({ type: 'image', requestId: cmd.requestId, imageKey: cmd.imageKey, rgb, size: S, original, ms: performance.now() - t0 });
  }

  private async buildIndex(requestId: string, datasetId: string): Promise<void> {
    const model = this.model;
    const info = this.info;
    if (!model || !info) throw new Error('Choose a model first');
    const m = await this.dataset(datasetId);
    const cached = this.index && this.index.modelKey === info.key && this.index.manifest.id === m.id;
    if (!cached) {
      const token = this.jobs.start(requestId, 'Search index');
      try {
        this.index = null;
        this.index = await buildRetrievalIndex(await this.openDb(), m, model, info.key, token, (done, total, message) => this.post({ type: 'progress', requestId, job: 'index', done, total, message }));
      } finally {
        this.jobs.end(requestId);
      }
    }
    const ix = this.index!;
    this.post({ type: 'index', requestId, modelKey: info.key, datasetId: m.id, datasetName: m.name, images: ix.split.length, captions: ix.captions.length, cached: !!cached, imagesPerSec: ix.imagesPerSec, ms: ix.ms });
  }

  /** The loaded model's probe snapshot, or (seeds) those of untrained models of its architecture and tokenizer. */
  private async gapRecord(requestId: string, datasetId: string, seeds: number[]): Promise<void> {
    const model = this.model;
    const info = this.info;
    if (!model || !info) throw new Error('Choose a model first');
    const m = await this.dataset(datasetId);
    const view = await datasetView(await this.openDb(), m, model.imageSize);
    const probe = await collectGapProbe(readSplit(view, 'val'), view.manifest);
    const snapshots: GapSnapshot[] = [];
    if (seeds.length === 0) snapshots.push(await recordGapSnapshot(model, probe, info.step, model.logitScale));
    for (const seed of seeds) {
      const fresh = new ClipModel(info.config.model, seed);
      try {
        const encoder = {
          embedDim: fresh.config.embedDim,
          encodeImages: (rgb: Uint8Array, n: number, size: number) => encodeImagesChunked(fresh, rgb, n, size),
          encodeTexts: (texts: readonly string[]) => encodeTextsChunked(fresh, model.tokenizer, texts),
        };
        snapshots.push(await recordGapSnapshot(encoder, probe, 0, Math.exp(info.config.model.initLogitScale)));
      } finally {
        fresh.dispose();
      }
      await yieldToEventLoop();
    }
    this.post({ type: 'gapRecord', requestId, probe, snapshots, seeds });
  }

  private async evaluate(requestId: string, datasetId: string): Promise<void> {
    const model = this.model;
    const info = this.info;
    const pg = this.playground;
    if (!model || !info || !pg) throw new Error('Choose a model first');
    const m = await this.dataset(datasetId);
    const token = this.jobs.start(requestId, 'Evaluation');
    try {
      const modelId = info.modelId;
      const result = await runEvaluationSuite(
        await this.openDb(),
        m,
        model,
        pg,
        { id: modelId, name: info.name, step: info.step },
        token,
        (done, total, message) => this.post({ type: 'progress', requestId, job: 'evaluate', done, total, message }),
        yieldToEventLoop,
      );
      // Into the model's record in the library (a live run not yet saved has none: the UI keeps it).
      const stored = await appendModelEvaluation(await this.openDb(), modelId, result).catch(() => false);
      this.post({ type: 'suite', requestId, result: { ...result, modelId: stored ? modelId : null } });
    } finally {
      this.jobs.end(requestId);
    }
  }

  /**
   * A CLIP checkpoint folder into the library: read and converted here (no tensors: plain arrays),
   * its size checked against the quota before decoding, then written as one atomic checkpoint.
   */
  private async importClip(requestId: string, files: File[], name: string): Promise<void> {
    const token = this.jobs.start(requestId, `Import of ${name}`);
    const progress = (done: number, total: number, message: string) => {
      token.check();
      this.post({ type: 'progress', requestId, job: 'import', done, total, message });
    };
    try {
      const db = await this.openDb();
      const t0 = performance.now();
      progress(0, 1, `Reading ${name}…`);
      const loaded = await loadClipFolder(files.map(checkpointFileOf), name, {
        beforeDecode: async (elements) => {
          const tokenizerBytes = files.find((f) => /(^|\/)(tokenizer\.json|vocab\.json)$/.test(relativeName(f)))?.size ?? 0;
          checkStorageFor(name, storedClipBytes(elements, tokenizerBytes), await storageInfo());
        },
        onProgress: (done, total) => progress(done, 2 * total, `Reading the weights (${done} of ${total} tensors)`),
      });
      const t1 = performance.now();
      const record = await storeClipModel(db, loaded, {
        files: files.map(relativeName).sort(),
        onTensor: (done, total) => progress(total + done, 2 * total, `Storing in the browser (${done} of ${total} tensors)`),
      });
      this.post({ type: 'clipImported', requestId, model: record, readMs: t1 - t0, writeMs: performance.now() - t1 });
    } finally {
      this.jobs.end(requestId);
    }
  }

  /** Numbers for the leak checks of the tests. */
  memory(): { numTensors: number } {
    return { numTensors: tf.memory().numTensors };
  }
}
