import { requestPersistence } from '../dataClient';
import { useDataStore } from '../stores/dataStore';
import { fmtMBWhole } from '../format';

/** Browser storage in use, the quota, and whether the storage is persistent. */
export function StorageLine() {
  const storage = useDataStore((s) => s.storage);
  if (!storage) return <p className="storage-line muted" data-testid="storage-info">storage: unknown yet</p>;
  const frac = storage.quota > 0 ? Math.min(1, storage.usage / storage.quota) : 0;
  return (
    <div className="storage-line">
      <div className="bar bar-thin storage-bar" role="progressbar" aria-label="Storage used" aria-valuemin={0} aria-valuemax={storage.quota} aria-valuenow={storage.usage}>
        <div className={`bar-fill${frac > 0.85 ? ' bar-fill-alt' : ''}`} style={{ width: `${Math.max(frac * 100, 0.5).toFixed(2)}%` }} />
      </div>
      <span data-testid="storage-info">
        used {fmtMBWhole(storage.usage)} of {fmtMBWhole(storage.quota)} · persistent storage {storage.persisted ? 'granted' : 'not granted'}
      </span>
      {storage.persisted ? null : (
        <button
          type="button"
          className="link-button"
          title="Without it the browser may evict stored datasets when the disk runs low"
          onClick={() => void requestPersistence()}
        >
          Ask to keep data
        </button>
      )}
    </div>
  );
}
