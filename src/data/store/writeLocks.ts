// Web Locks around writes that span many transactions (a dataset import, a checkpoint): the
// writer holds `clip-lab:write:<id>` for the whole write, so a later cleanup can tell a write in
// progress (lock held) from one whose tab was closed mid-write (lock released, record incomplete).
function lockManager(): LockManager | null {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : null;
}

const writeLockName = (id: string) => `clip-lab:write:${id}`;

export async function withWriteLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
  const locks = lockManager();
  if (!locks) return fn();
  return locks.request(writeLockName(id), () => fn());
}

/** True when some context (this or another worker / tab) is writing `id` now. */
export async function writerAlive(id: string): Promise<boolean> {
  const locks = lockManager();
  if (!locks) return false; // no Web Locks: assume a stale write (the old behaviour)
  return locks.request(writeLockName(id), { ifAvailable: true }, (lock) => lock === null);
}
