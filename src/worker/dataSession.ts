// The data worker's state: answers every DataCommand of src/protocol/data.ts
// (list, import, cancel, delete, export, browse, built-in datasets). Commands run
// concurrently (a long import never blocks a browse or a cancel); every failure becomes
// a `dataError` report naming the command, and the file and problem where there is one.
import { storageInfo, storageManager } from '../data/store/storageInfo';
import { ensureFashionMnist } from '../data/builtin/builtinLoader';
import { openClipLabDB, type ClipLabDatabase } from '../data/db';
import { encodeRgbPng } from '../data/image/encodePng';
import { browseDataset } from '../data/store/browse';
import { buildWebDatasetTar, type ExportPair } from '../data/store/exportTar';
import { cleanIncomplete, deleteDataset, getDataset, listDatasets, readOriginals, readShard, readShardText } from '../data/store/shardStore';
import type { DatasetManifest, Split } from '../data/store/types';
import type { DataCommand, DataReport, DatasetSummary } from '../protocol/data';
import { runImportJob } from './importJob';

export type DataPost = (r: DataReport) => void;

/** Typed-array buffers of a data report, to pass as transferables. */
export function dataTransferables(r: DataReport): Transferable[] {
  if (r.type === 'samples') {
    // Each item's image has its own buffer (browse slices them); never transfer a shared one twice.
    const seen = new Set<ArrayBufferLike>();
    for (const it of r.items) seen.add(it.image.buffer);
    return [...seen].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  }
  return [];
}

export function summaryOf(m: DatasetManifest): DatasetSummary {
  return {
    id: m.id,
    name: m.name,
    source: m.source,
    createdAt: m.createdAt,
    imageSize: m.imageSize,
    originals: m.originals ?? null,
    trainPairs: m.splits.train.pairs,
    valPairs: m.splits.val.pairs,
    bytes: m.bytes,
    hasClasses: m.classes.length > 0,
  };
}

/** A file name for the export: the dataset name without characters file systems refuse. */
export function exportFileName(name: string): string {
  const base = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim().slice(0, 120) || 'dataset';
  return `${base}.tar`;
}

export class DataSession {
  private db: ClipLabDatabase | null = null;
  private readonly ready: Promise<void>;
  private readonly jobs = new Map<string, { cancelled: boolean }>();
  private readonly builtins = new Map<string, Promise<string>>();

  constructor(private readonly post: DataPost) {
    this.ready = this.start();
    this.ready.catch(() => undefined); // reported per command
  }

  /** Open the database, delete datasets a closed tab left half-written, ask for persistence. */
  private async start(): Promise<void> {
    this.db = await openClipLabDB();
    await cleanIncomplete(this.db);
    // persist() is exposed to windows only (StorageManager.persist is [Exposed=Window]); in a
    // worker it is undefined and the page must ask. Tried anyway, where some browser has it.
    const sm = storageManager();
    if (sm && typeof sm.persist === 'function') await sm.persist().catch(() => false);
  }

  private async database(): Promise<ClipLabDatabase> {
    try {
      await this.ready;
    } catch (e) {
      throw new Error(`Storage (IndexedDB) is not available: ${e instanceof Error ? e.message : String(e)}`);
    }
    return this.db!;
  }

  async handle(cmd: DataCommand): Promise<void> {
    try {
      switch (cmd.type) {
        case 'listDatasets':
          return await this.list();
        case 'import':
          return await this.import(cmd.request);
        case 'cancelImport': {
          const job = this.jobs.get(cmd.jobId);
          if (job) job.cancelled = true;
          return;
        }
        case 'deleteDataset':
          await deleteDataset(await this.database(), cmd.id);
          return await this.list();
        case 'exportDataset':
          return await this.export(cmd.requestId, cmd.id);
        case 'browse':
          return await this.browse(cmd.requestId, cmd.id, cmd.offset, cmd.limit, cmd.query);
        case 'ensureBuiltin':
          return await this.ensureBuiltin(cmd.requestId, cmd.name, cmd.imageSize, cmd.vocabSize);
        default:
          throw new Error(`Unknown data command ${String((cmd as { type: unknown }).type)}`);
      }
    } catch (e) {
      const context = 'id' in cmd ? `${cmd.type} ${cmd.id}` : cmd.type;
      const requestId = 'requestId' in cmd ? cmd.requestId : undefined;
      this.post({ type: 'dataError', message: e instanceof Error ? e.message : String(e), context, ...(requestId ? { requestId } : {}) });
    }
  }

  private async list(): Promise<void> {
    const db = await this.database();
    const list = (await listDatasets(db)).map(summaryOf).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    this.post({ type: 'datasets', list, storage: await storageInfo() });
  }

  private async manifest(id: string): Promise<DatasetManifest> {
    const m = await getDataset(await this.database(), id);
    if (!m) throw new Error(`Dataset ${id} is not in storage (it may have been deleted)`);
    return m;
  }

  private async import(request: Extract<DataCommand, { type: 'import' }>['request']): Promise<void> {
    const db = await this.database();
    if (this.jobs.has(request.jobId)) throw new Error(`Import job ${request.jobId} is already running`);
    const job = { cancelled: false };
    this.jobs.set(request.jobId, job);
    try {
      const summary = await runImportJob(db, request, this.post, () => job.cancelled);
      this.post({ type: 'importDone', summary });
    } finally {
      this.jobs.delete(request.jobId);
    }
    await this.list();
  }

  private async export(requestId: string, id: string): Promise<void> {
    const db = await this.database();
    const m = await this.manifest(id);
    async function* pairs(): AsyncGenerator<ExportPair> {
      const px = m.imageSize * m.imageSize * 3;
      for (const split of ['train', 'val'] as Split[]) {
        for (let s = 0; s < m.splits[split].shards; s++) {
          const [shard, kept] = await Promise.all([readShard(db, m.id, split, s), readOriginals(db, m, split, s)]);
          for (let i = 0; i < shard.count; i++) {
            const rgb = shard.images.subarray(i * px, (i + 1) * px);
            yield { key: shard.keys[i], split, rgb, size: m.imageSize, captions: shard.captions[i], ...(kept ? { kept: kept[i] } : {}) };
          }
        }
      }
    }
    const blob = await buildWebDatasetTar(pairs(), encodeRgbPng);
    this.post({ type: 'exported', requestId, id, fileName: exportFileName(m.name), blob });
  }

  private async browse(requestId: string, id: string, offset: number, limit: number, query: string): Promise<void> {
    const db = await this.database();
    const m = await this.manifest(id);
    const { items, total } = await browseDataset(m, query, offset, limit, {
      readText: (split, index) => readShardText(db, id, split, index),
      readShard: (split, index) => readShard(db, id, split, index),
    });
    this.post({ type: 'samples', requestId, id, items, total, offset, query });
  }

  private async ensureBuiltin(requestId: string, name: 'fashion-mnist', imageSize: number, vocabSize: number): Promise<void> {
    if (name !== 'fashion-mnist') throw new Error(`Unknown built-in dataset ${String(name)}`);
    const db = await this.database();
    const key = `${name}:${imageSize}:${vocabSize}`;
    let pending = this.builtins.get(key);
    if (!pending) {
      const jobId = `builtin:${name}`;
      let lastPost = 0;
      pending = ensureFashionMnist(db, imageSize, vocabSize, (done, total, message) => {
        const now = Date.now();
        if (now - lastPost < 200 && done < total) return;
        lastPost = now;
        this.post({ type: 'importProgress', jobId, pairs: done, skipped: 0, bytesRead: done, bytesTotal: total, message });
      }).then(({ manifest }) => manifest.id);
      this.builtins.set(key, pending);
      pending.finally(() => this.builtins.delete(key)).catch(() => undefined);
    }
    const id = await pending;
    this.post({ type: 'builtinReady', requestId, name, id });
    await this.list();
  }
}
