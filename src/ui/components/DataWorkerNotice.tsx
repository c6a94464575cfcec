import { restartDataClient } from '../dataClient';
import { useDataStore } from '../stores/dataStore';

/** Shown in the Data tab while the data worker starts, or when it could not start. */
export function DataWorkerNotice() {
  const status = useDataStore((s) => s.workerStatus);
  const error = useDataStore((s) => s.workerError);
  if (status === 'ready') return null;
  if (status === 'starting') {
    return (
      <div className="notice notice-info" role="status" data-testid="data-worker-status">
        Starting the data worker…
      </div>
    );
  }
  return (
    <div className="notice notice-error" role="alert" data-testid="data-worker-status">
      <div>
        <strong>The data worker is not available.</strong> Importing, browsing and the built-in datasets need it; training on the Shapes world still works.
        {error ? <div className="notice-detail">{error}</div> : null}
      </div>
      <button type="button" className="btn btn-small" onClick={restartDataClient}>
        Retry
      </button>
    </div>
  );
}
