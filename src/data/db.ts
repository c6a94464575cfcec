// The app's IndexedDB: dataset manifests, image–caption shards and small settings.
// Opened lazily from whichever context needs it (the trainer worker, mostly).
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { DatasetManifest, ShardRecord } from './store/types';

export const DB_NAME = 'clip-lab';
export const DB_VERSION = 1;

interface ClipLabDB extends DBSchema {
  datasets: { key: string; value: DatasetManifest };
  shards: { key: string; value: ShardRecord; indexes: { byDataset: string } };
  settings: { key: string; value: unknown };
}

export type ClipLabDatabase = IDBPDatabase<ClipLabDB>;

let dbPromise: Promise<ClipLabDatabase> | null = null;

export function openClipLabDB(): Promise<ClipLabDatabase> {
  dbPromise ??= openDB<ClipLabDB>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion) {
      // Schema upgrades go here, one block per version step.
      if (oldVersion < 1) {
        db.createObjectStore('datasets', { keyPath: 'id' });
        const shards = db.createObjectStore('shards', { keyPath: 'key' });
        shards.createIndex('byDataset', 'datasetId');
        db.createObjectStore('settings');
      }
    },
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
