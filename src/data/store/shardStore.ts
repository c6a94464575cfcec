// Dataset-level operations on the shard store. Writes are atomic per dataset: the
// manifest is stored with complete = false first, shards follow (each in its own
// transaction, with its text mirror), and only the final put marks it complete. A
// failed or cancelled write deletes the partial dataset; other datasets are untouched.
//
// A writer holds the Web Lock `clip-lab:write:<id>` for the whole write, so that
// cleanIncomplete (run by every context on start-up) deletes only datasets whose writer
// is gone (closed tab, crash) and never one another worker or tab is still writing.
import type { ClipLabDatabase } from '../db';
import { type DatasetManifest, type DatasetRecord, type KeptImage, type OriginalsRecord, type ShardRecord, type ShardTextRecord, type Split, isOriginals, keptBytes, shardBytes, shardKey, textOf } from './types';
import { withWriteLock, writerAlive } from './writeLocks';

export async function listDatasets(db: ClipLabDatabase): Promise<DatasetManifest[]> {
  return (await db.getAll('datasets')).filter((m) => m.complete);
}

export async function getDataset(db: ClipLabDatabase, id: string): Promise<DatasetManifest | undefined> {
  const m = await db.get('datasets', id);
  return m?.complete ? m : undefined;
}

export async function readShard(db: ClipLabDatabase, datasetId: string, split: Split, index: number): Promise<ShardRecord> {
  const s = await db.get('shards', shardKey(datasetId, split, index));
  if (!s) throw new Error(`Dataset ${datasetId}: ${split} shard ${index} is missing from storage (was the dataset deleted?)`);
  return s;
}

export async function readShardText(db: ClipLabDatabase, datasetId: string, split: Split, index: number): Promise<ShardTextRecord> {
  const s = await db.get('shardText', shardKey(datasetId, split, index));
  if (!s) throw new Error(`Dataset ${datasetId}: ${split} shard ${index} is missing from storage (was the dataset deleted?)`);
  return s;
}

/** Every shard key of a dataset: `<id>/<split>/<index>` (ids never contain '/'). */
function datasetRange(id: string): IDBKeyRange {
  return IDBKeyRange.bound(`${id}/`, `${id}/\uffff`);
}

/** The object stores keyed by shard key (`<id>/<split>/<index>`, views `…@<size>`). */
const SHARD_STORES = ['shards', 'shardText', 'originals', 'shardViews'] as const;

export async function deleteDataset(db: ClipLabDatabase, id: string): Promise<void> {
  const tx = db.transaction(['datasets', ...SHARD_STORES], 'readwrite');
  const range = datasetRange(id);
  await Promise.all([...SHARD_STORES.map((s) => tx.objectStore(s).delete(range)), tx.objectStore('datasets').delete(id), tx.done]);
}

/** Remove datasets whose writing never finished (and whose writer is gone). */
export async function cleanIncomplete(db: ClipLabDatabase): Promise<string[]> {
  const stale: string[] = [];
  for (const m of await db.getAll('datasets')) {
    if (m.complete || (await writerAlive(m.id))) continue;
    await deleteDataset(db, m.id);
    stale.push(m.id);
  }
  return stale;
}

// ---------------------------------------------------------------- writing

/** A quota error, possibly wrapped (idb rejects with the request's or the transaction's error). */
export function isQuotaError(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && typeof x === 'object' && depth < 4; depth++) {
    const o = x as { name?: unknown; code?: unknown; cause?: unknown; error?: unknown; inner?: unknown };
    if (o.name === 'QuotaExceededError' || (typeof DOMException !== 'undefined' && x instanceof DOMException && o.code === 22)) return true;
    x = o.cause ?? o.error ?? o.inner;
  }
  return false;
}

/**
 * Test hook: when `globalThis.__clipLabFailWritesAfter` is a number N ≥ 1 in the writing
 * context, the Nth shard write of each writeDataset call throws a QuotaExceededError
 * (as a full disk would), before anything of that shard is stored.
 */
function simulatedQuotaFailure(writeNumber: number): DOMException | null {
  const n = __TEST_HOOKS__ ? (globalThis as { __clipLabFailWritesAfter?: unknown }).__clipLabFailWritesAfter : undefined;
  if (typeof n === 'number' && n >= 1 && writeNumber === Math.floor(n)) {
    return new DOMException(`Simulated quota exceeded at shard write ${writeNumber}`, 'QuotaExceededError');
  }
  return null;
}

async function putShard(db: ClipLabDatabase, shard: ShardRecord): Promise<void> {
  const tx = db.transaction(['shards', 'shardText'], 'readwrite');
  // A quota failure may reject a request with AbortError while the transaction carries
  // the QuotaExceededError: await the transaction (idb rejects tx.done with tx.error).
  tx.objectStore('shards').put(shard).catch(() => undefined);
  tx.objectStore('shardText').put(textOf(shard)).catch(() => undefined);
  await tx.done;
}

async function putOriginals(db: ClipLabDatabase, r: OriginalsRecord): Promise<void> {
  const tx = db.transaction('originals', 'readwrite');
  tx.store.put(r).catch(() => undefined);
  await tx.done;
}

/** The kept images of one shard, in pair order (null when the dataset keeps none). */
export async function readOriginals(db: ClipLabDatabase, m: DatasetManifest, split: Split, index: number): Promise<KeptImage[] | null> {
  if (!m.originals) return null;
  const key = shardKey(m.id, split, index);
  const runs = await db.getAll('originals', IDBKeyRange.bound(`${key}#`, `${key}#\uffff`)); // key order = pair order
  const images = runs.flatMap((r) => r.images);
  if (images.length === 0) throw new Error(`Dataset ${m.name}: the kept images of ${split} shard ${index} are missing from storage`);
  return images;
}

/**
 * Write a dataset: `produceShards` yields shards (any split order, indices 0.. per split) and
 * runs of their kept images; each is stored in its own transaction (bounded memory). The producer may fill in
 * manifest fields as it goes (splits, tokenizer, notes): the final put reads them after the
 * last shard. `manifest.bytes` is set here from the shards written, and the shard counts per
 * split are checked against `manifest.splits`. On any error the partial dataset is removed
 * and the error rethrown; other datasets are untouched.
 */
export async function writeDataset(
  db: ClipLabDatabase,
  manifest: DatasetManifest,
  produceShards: () => AsyncIterable<DatasetRecord>,
): Promise<void> {
  if (manifest.id.includes('/')) throw new Error(`Dataset id must not contain '/': ${manifest.id}`);
  await withWriteLock(manifest.id, async () => {
    await deleteDataset(db, manifest.id);
    await db.put('datasets', { ...manifest, complete: false });
    try {
      let writes = 0;
      let bytes = 0;
      const written: Record<Split, number> = { train: 0, val: 0 };
      for await (const record of produceShards()) {
        if (isOriginals(record)) {
          if (record.datasetId !== manifest.id) throw new Error(`Kept images ${record.key} do not belong to dataset ${manifest.id}`);
          await putOriginals(db, record);
          bytes += keptBytes(record.images);
          continue;
        }
        const shard = record;
        if (shard.datasetId !== manifest.id || shard.key !== shardKey(manifest.id, shard.split, shard.index)) {
          throw new Error(`Shard ${shard.key} does not belong to dataset ${manifest.id}`);
        }
        const simulated = simulatedQuotaFailure(++writes);
        if (simulated) throw simulated;
        await putShard(db, shard);
        bytes += shardBytes(shard);
        written[shard.split]++;
      }
      for (const split of ['train', 'val'] as Split[]) {
        if (written[split] !== manifest.splits[split].shards) {
          throw new Error(`Dataset ${manifest.id}: wrote ${written[split]} ${split} shards, the manifest says ${manifest.splits[split].shards}`);
        }
      }
      manifest.bytes = bytes;
      await db.put('datasets', { ...manifest, complete: true });
    } catch (e) {
      await deleteDataset(db, manifest.id).catch(() => undefined);
      throw e;
    }
  });
  manifest.complete = true;
}
