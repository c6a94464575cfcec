// The app's IndexedDB: dataset manifests, image–caption shards (plus their text
// mirror for caption search) and small settings. Opened lazily from whichever context
// needs it (the trainer worker and the data worker both open it).
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { DatasetManifest, OriginalsRecord, ShardRecord, ShardTextRecord } from './store/types';
import type { CheckpointChunk, CheckpointRecord, ModelRecord } from './store/checkpointTypes';

export const DB_NAME = 'clip-lab';
/**
 * 1: datasets, shards (byDataset), settings.
 * 2: + shardText (byDataset): the captions and keys of each shard, so browsing and
 *    caption search read kilobytes instead of image shards. Version-1 databases only
 *    ever held generated Shapes datasets (deterministic from their spec, and their ids
 *    include the schema version), so the upgrade clears datasets and shards; they are
 *    regenerated on next use. Settings are kept.
 * 3: + models (saved runs and imported model files), checkpoints (one complete record per
 *    stored checkpoint) and checkpointChunks (byCheckpoint): a checkpoint's .safetensors bytes
 *    in chunks (see src/train/checkpointStore.ts).
 * 4: + originals (each shard's kept images, in runs of up to 32 MiB keyed `<shard key>#<first
 *    pair>`, written ahead of the shard) and shardViews (shards
 *    derived from them at another square size, key `<shard key>@<size>`: a cache). Stored
 *    datasets are kept as they are: their manifests have no `originals`, so models of
 *    another input size resize their S×S pixels, and the Data tab says so.
 */
export const DB_VERSION = 4;

interface ClipLabDB extends DBSchema {
  datasets: { key: string; value: DatasetManifest };
  shards: { key: string; value: ShardRecord; indexes: { byDataset: string } };
  shardText: { key: string; value: ShardTextRecord; indexes: { byDataset: string } };
  originals: { key: string; value: OriginalsRecord };
  shardViews: { key: string; value: ShardRecord };
  settings: { key: string; value: unknown };
  models: { key: string; value: ModelRecord };
  checkpoints: { key: string; value: CheckpointRecord };
  checkpointChunks: { key: string; value: CheckpointChunk; indexes: { byCheckpoint: string } };
}

export type ClipLabDatabase = IDBPDatabase<ClipLabDB>;

let dbPromise: Promise<ClipLabDatabase> | null = null;

export function openClipLabDB(): Promise<ClipLabDatabase> {
  dbPromise ??= openDB<ClipLabDB>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      // One block per version step; each runs inside the versionchange transaction.
      if (oldVersion < 1) {
        db.createObjectStore('datasets', { keyPath: 'id' });
        const shards = db.createObjectStore('shards', { keyPath: 'key' });
        shards.createIndex('byDataset', 'datasetId');
        db.createObjectStore('settings');
      }
      if (oldVersion < 2) {
        const text = db.createObjectStore('shardText', { keyPath: 'key' });
        text.createIndex('byDataset', 'datasetId');
        if (oldVersion >= 1) {
          // v1 shards lack keys and a text mirror; their (Shapes-only) datasets regenerate.
          void tx.objectStore('datasets').clear();
          void tx.objectStore('shards').clear();
        }
      }
      if (oldVersion < 3) {
        db.createObjectStore('models', { keyPath: 'id' });
        db.createObjectStore('checkpoints', { keyPath: 'id' });
        db.createObjectStore('checkpointChunks', { keyPath: 'key' }).createIndex('byCheckpoint', 'checkpointId');
      }
      if (oldVersion < 4) {
        db.createObjectStore('originals', { keyPath: 'key' });
        db.createObjectStore('shardViews', { keyPath: 'key' });
      }
    },
  });
  dbPromise.catch(() => {
    dbPromise = null; // let a later call retry (e.g. after a blocked upgrade)
  });
  return dbPromise;
}

export async function getSetting<T>(key: string): Promise<T | undefined> {
  try {
    return (await (await openClipLabDB()).get('settings', key)) as T | undefined;
  } catch {
    return undefined; // storage unavailable (private mode, quota): settings are a cache only
  }
}

export async function putSetting(key: string, value: unknown): Promise<void> {
  try {
    await (await openClipLabDB()).put('settings', value, key);
  } catch {
    /* cache only */
  }
}
