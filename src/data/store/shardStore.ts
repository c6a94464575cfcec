// Dataset-level operations on the shard store. Writes are atomic per dataset: the
// manifest is stored with complete = false first, shards follow, and only the final
// put marks it complete. An incomplete dataset (crash, closed tab, quota) is deleted
// on the next open and never read.
import type { ClipLabDatabase } from '../db';
import { type DatasetManifest, type ShardRecord, type Split, shardKey } from './types';

export async function listDatasets(db: ClipLabDatabase): Promise<DatasetManifest[]> {
  return (await db.getAll('datasets')).filter((m) => m.complete);
}

export async function getDataset(db: ClipLabDatabase, id: string): Promise<DatasetManifest | undefined> {
  const m = await db.get('datasets', id);
  return m?.complete ? m : undefined;
}

export async function readShard(db: ClipLabDatabase, datasetId: string, split: Split, index: number): Promise<ShardRecord> {
  const s = await db.get('shards', shardKey(datasetId, split, index));
  if (!s) throw new Error(`Dataset ${datasetId}: ${split} shard ${index} is missing from storage`);
  return s;
}

export async function deleteDataset(db: ClipLabDatabase, id: string): Promise<void> {
  const tx = db.transaction(['datasets', 'shards'], 'readwrite');
  const keys = await tx.objectStore('shards').index('byDataset').getAllKeys(id);
  await Promise.all([...keys.map((k) => tx.objectStore('shards').delete(k)), tx.objectStore('datasets').delete(id), tx.done]);
}

/** Remove datasets whose writing never finished. */
export async function cleanIncomplete(db: ClipLabDatabase): Promise<string[]> {
  const stale = (await db.getAll('datasets')).filter((m) => !m.complete).map((m) => m.id);
  for (const id of stale) await deleteDataset(db, id);
  return stale;
}

/**
 * Write a dataset: `produceShards` yields shards in order; each is stored in its own
 * transaction (bounded memory). On any error the partial dataset is removed and the
 * error rethrown; other datasets are untouched.
 */
export async function writeDataset(
  db: ClipLabDatabase,
  manifest: DatasetManifest,
  produceShards: () => AsyncIterable<ShardRecord>,
): Promise<void> {
  await deleteDataset(db, manifest.id);
  await db.put('datasets', { ...manifest, complete: false });
  try {
    for await (const shard of produceShards()) await db.put('shards', shard);
    await db.put('datasets', { ...manifest, complete: true });
  } catch (e) {
    await deleteDataset(db, manifest.id).catch(() => undefined);
    throw e;
  }
}
