// The browser's storage estimate for this origin (usage, quota, persisted), from a window or a
// worker; unknown parts read as 0 / false (a browser without the StorageManager API).
import type { StorageInfo } from '../../protocol/data';

export type StorageManagerMaybe = StorageManager & { persist?: () => Promise<boolean> };

export function storageManager(): StorageManagerMaybe | null {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return (nav?.storage as StorageManagerMaybe | undefined) ?? null;
}

export async function storageInfo(): Promise<StorageInfo> {
  const sm = storageManager();
  let usage = 0;
  let quota = 0;
  let persisted = false;
  try {
    if (sm?.estimate) ({ usage = 0, quota = 0 } = await sm.estimate());
  } catch {
    /* unknown: report 0 */
  }
  try {
    if (sm?.persisted) persisted = await sm.persisted();
  } catch {
    /* unknown */
  }
  return { usage, quota, persisted };
}
