// Where the trainer's runs come from: a new Run for a config (its dataset generated or opened,
// the model resolved against the data: vocabulary from the dataset's tokenizer, image size from
// its images), or a stored one loaded at its checkpoint (its dataset opened, a Shapes world
// regenerated from its spec, or a detached stand-in when the data is gone).
import type { ClipLabDatabase } from '../data/db';
import { ensureShapesDataset } from '../data/builtin/shapesDataset';
import { datasetView } from '../data/store/datasetView';
import { cleanIncomplete, getDataset, readShard } from '../data/store/shardStore';
import type { DatasetManifest } from '../data/store/types';
import type { Report } from '../protocol/trainer';
import type { TrainConfig } from '../config/types';
import { objectiveOf } from '../config/objectiveOf';
import { configProblems } from '../config/validate';
import { BpeTokenizer } from '../tokenizer/bpe';
import { Run, type RunInit } from '../train/run';
import { detachedRunDataset, storeRunDataset, type DatasetIdentity, type RunDataset } from '../train/runDataset';
import { loadStoredRun, loadStoredWeights } from '../train/runStorage';
import { tokenizerFromJSON } from '../tokenizer/textTokenizer';

type Hooks = Pick<RunInit, 'onProgress' | 'yieldFn'>;

export class RunLoader {
  constructor(
    private readonly db: () => Promise<ClipLabDatabase>,
    private readonly post: (r: Report) => void,
  ) {}

  /** A new run at step 0; null when `stale()` turned true while the data was prepared. */
  async newRun(config: TrainConfig, stale: () => boolean, hooks: Hooks): Promise<{ run: Run; manifest: DatasetManifest } | null> {
    // The UI checks the same rules before it sends; a config from elsewhere (a test, a script) is checked here.
    const objective = objectiveOf(config);
    const problems = configProblems({ ...config, objective });
    if (problems.length) throw new Error(`The run settings are not valid: ${problems.join('; ')}`);
    const db = await this.db();
    await cleanIncomplete(db); // only datasets whose writer is gone (Web Locks), never a running import
    const { manifest, fromCache } = await this.loadDataset(config, stale);
    if (stale()) return null;
    if (manifest.splits.train.pairs < config.batchSize) {
      throw new Error(
        `${manifest.name} has ${manifest.splits.train.pairs} training pairs, fewer than the batch size ${config.batchSize}: lower the batch size or use more data`,
      );
    }
    const id = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    if (config.init) {
      // Fine-tuning: the stored model's architecture, weights and tokenizer; the dataset's images
      // at its input size (from the kept images where there are, else resized by the reader); its own captions tokenised by its own tokenizer.
      if (objective.kind === 'protoclip') throw new Error('Fine-tuning starts from a CLIP model: choose CLIP, the positive-pair regulariser, SigLIP or CyCLIP (ProtoCLIP builds its own heads and episodes)');
      this.post({ type: 'progress', phase: 'model', done: 0, total: 1, message: `Loading ${config.init.modelName}…` });
      const weights = await loadStoredWeights(db, config.init.modelId);
      const tokenizer = tokenizerFromJSON(weights.tokenizer);
      const model = { ...weights.config.model, learnLogitScale: config.model.learnLogitScale };
      const resolved: TrainConfig = { ...config, objective, preset: weights.config.preset, model };
      await this.postDataset(db, manifest, tokenizer, fromCache);
      const given = new Map(weights.tensors.map((t) => [t.name, t.values]));
      const name = `${resolved.objective.kind} · ${config.init.modelName} → ${manifest.name} · ${config.init.train === 'projections' ? 'projections' : 'whole model'}`;
      const run = Run.create({ id, name, config: resolved, tokenizer, data: storeRunDataset(manifest, await datasetView(db, manifest, model.image.imageSize)), initialWeights: (n) => given.get(n) ?? null, ...hooks });
      return { run, manifest };
    }
    if (!manifest.tokenizer) throw new Error(`${manifest.name} has no tokenizer stored; re-import it`);
    const tokenizer = BpeTokenizer.fromJSON(manifest.tokenizer);
    // The model trains at its own image size where the dataset keeps its images (a view derived from
    // them), else at the stored size. Saved configs from before objectives existed have none: plain CLIP.
    const imageSize = manifest.originals ? config.model.image.imageSize : manifest.imageSize;
    const resolved: TrainConfig = {
      ...config,
      objective,
      model: { ...config.model, text: { ...config.model.text, vocabSize: tokenizer.vocabSize }, image: { ...config.model.image, imageSize } },
    };
    await this.postDataset(db, manifest, tokenizer, fromCache);
    this.post({ type: 'progress', phase: 'model', done: 0, total: 1, message: 'Building the model…' });
    const name = `${resolved.objective.kind} · ${manifest.name} · seed ${resolved.seed}`;
    const run = Run.create({ id, name, config: resolved, tokenizer, data: storeRunDataset(manifest, await datasetView(db, manifest, imageSize)), ...hooks });
    return { run, manifest };
  }

  /** A stored run at its checkpoint (see loadStoredRun); manifest null when its data is gone. */
  async storedRun(id: string, hooks: Hooks): Promise<{ run: Run; resumable: boolean; manifest: DatasetManifest | null }> {
    const db = await this.db();
    this.post({ type: 'progress', phase: 'model', done: 0, total: 1, message: 'Loading the checkpoint…' });
    const { run, resumable } = await loadStoredRun(db, id, (d, config) => this.openRunDataset(db, d, config), hooks);
    try {
      const manifest = run.data.detached ? null : ((await getDataset(db, run.data.identity.id)) ?? null);
      if (manifest) await this.postDataset(db, manifest, run.tokenizer, true);
      return { run, resumable, manifest };
    } catch (e) {
      run.dispose();
      throw e;
    }
  }

  private async openRunDataset(db: ClipLabDatabase, d: DatasetIdentity, config: TrainConfig): Promise<RunDataset> {
    let m = await getDataset(db, d.id);
    if (!m && config.dataset.kind === 'shapes') m = (await this.loadDataset(config, () => false)).manifest;
    if (m && m.id === d.id) return storeRunDataset(m, await datasetView(db, m, config.model.image.imageSize));
    return detachedRunDataset(d);
  }

  /** The Shapes world is generated on first use; a stored dataset must already be there. */
  private async loadDataset(config: TrainConfig, stale: () => boolean): Promise<{ manifest: DatasetManifest; fromCache: boolean }> {
    const db = await this.db();
    const spec = config.dataset;
    if (spec.kind === 'shapes') {
      return ensureShapesDataset(db, spec, (done, total, message) => this.post({ type: 'progress', phase: 'dataset', done, total, message }), stale);
    }
    this.post({ type: 'progress', phase: 'dataset', done: 0, total: 1, message: 'Opening the stored dataset…' });
    const manifest = await getDataset(db, spec.id);
    if (!manifest) throw new Error(`Dataset ${spec.id} is not in storage (deleted, or its import never finished): choose another dataset`);
    this.post({ type: 'progress', phase: 'dataset', done: 1, total: 1, message: `Dataset: ${manifest.name}` });
    return { manifest, fromCache: true };
  }

  private async postDataset(db: ClipLabDatabase, manifest: DatasetManifest, tokenizer: { vocabSize: number }, fromCache: boolean): Promise<void> {
    this.post({
      type: 'dataset',
      id: manifest.id,
      name: manifest.name,
      trainPairs: manifest.splits.train.pairs,
      valPairs: manifest.splits.val.pairs,
      vocabSize: tokenizer.vocabSize,
      classes: manifest.classes,
      sampleCaptions: (await readShard(db, manifest.id, 'train', 0)).captions.slice(0, 6).map((c) => c[0]!),
      fromCache,
    });
  }
}
