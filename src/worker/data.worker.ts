// Entry of the data Web Worker: imports, browsing, export, deletion and the built-in
// datasets, so that none of it ever stalls training or the UI. Commands run
// concurrently (see DataSession). Test hook: setting `globalThis.__clipLabFailWritesAfter`
// = N in this worker makes the Nth shard write of each dataset write throw a
// QuotaExceededError (see writeDataset).
import type { DataCommand, DataReport } from '../protocol/data';
import { DataSession, dataTransferables } from './dataSession';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new DataSession((r: DataReport) => scope.postMessage(r, dataTransferables(r)));

scope.onmessage = (e: MessageEvent<DataCommand>) => {
  void session.handle(e.data);
};
