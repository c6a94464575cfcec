import { useState } from 'react';
import { cancelImport } from '../dataClient';
import { useDataStore } from '../stores/dataStore';
import { fmtDuration, fmtInt, fmtMB } from '../format';

const SKIPS_SHOWN = 200;

/** The running import (progress, Cancel) or the last one's summary with every skip. */
export function ImportStatus() {
  const job = useDataStore((s) => s.importJob);
  const clearImport = useDataStore((s) => s.clearImport);
  const [showAll, setShowAll] = useState(false);
  if (!job) return null;

  const sum = job.summary;
  if (!sum) {
    const p = job.progress;
    const total = p?.bytesTotal || job.bytes;
    const frac = p && total > 0 ? Math.min(1, p.bytesRead / total) : 0;
    return (
      <div className="import-status" data-testid="import-progress">
        <div className="progress-line import-progress-line">
          <span className="progress-label">Importing</span>
          <div className="bar" role="progressbar" aria-label="Import progress" aria-valuemin={0} aria-valuemax={total} aria-valuenow={p?.bytesRead ?? 0}>
            <div className="bar-fill bar-live" style={{ width: `${(frac * 100).toFixed(2)}%` }} />
          </div>
          <span className="progress-text">{(frac * 100).toFixed(1)} %</span>
        </div>
        <div className="import-numbers">
          <span>
            <strong>{fmtInt(p?.pairs ?? 0)}</strong> pairs
          </span>
          <span>
            <strong>{fmtInt(p?.skipped ?? 0)}</strong> skipped
          </span>
          <span>
            {fmtMB(p?.bytesRead ?? 0)} of {fmtMB(total)}
          </span>
          <span className="muted import-message">{job.cancelRequested ? 'cancelling…' : p?.message || `starting “${job.name}”…`}</span>
          <button type="button" className="btn btn-danger btn-small" disabled={job.cancelRequested} onClick={() => cancelImport(job.jobId)}>
            Cancel import
          </button>
        </div>
      </div>
    );
  }

  const skips = showAll ? sum.skipped : sum.skipped.slice(0, SKIPS_SHOWN);
  const tone = sum.error ? 'summary-error' : sum.cancelled ? 'summary-warn' : 'summary-ok';
  return (
    <div className={`import-summary ${tone}`} data-testid="import-summary" role="status">
      <div className="summary-head">
        <strong>
          Imported {sum.imported} pairs, skipped {sum.skippedCount}
        </strong>
        <span className="muted">
          {sum.name ? `“${sum.name}” · ` : ''}
          {fmtDuration(sum.seconds)}
          {sum.cancelled ? ' · cancelled' : ''}
        </span>
        <button type="button" className="icon-button" aria-label="Close import summary" title="Close" onClick={clearImport}>
          ×
        </button>
      </div>
      {sum.error ? (
        <p className="summary-error-text" data-testid="import-error">
          Import failed: {sum.error}
        </p>
      ) : null}
      {sum.warnings?.length ? (
        <ul className="skip-list" aria-label="Import warnings">
          {sum.warnings.map((w, i) => (
            <li key={i} data-testid="import-warning">
              {w}
            </li>
          ))}
        </ul>
      ) : null}
      {sum.skipped.length ? (
        <>
          <ul className="skip-list">
            {skips.map((s, i) => (
              <li key={i} data-testid="import-skip">
                <span className="skip-file">{s.file}</span> — <span className="skip-reason">{s.reason}</span>
              </li>
            ))}
          </ul>
          {sum.skipped.length > SKIPS_SHOWN ? (
            <button type="button" className="link-button" onClick={() => setShowAll((v) => !v)}>
              {showAll ? 'Show fewer' : `Show all ${fmtInt(sum.skippedCount)} skips`}
            </button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
