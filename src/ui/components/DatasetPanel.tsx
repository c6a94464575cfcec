import { fmtInt } from '../format';
import { useSettings } from '../stores/settingsStore';
import { useTelemetry } from '../stores/telemetryStore';

export function DatasetPanel() {
  const ds = useTelemetry((s) => s.dataset);
  const shapesChosen = useSettings((s) => s.config.dataset.kind === 'shapes');
  return (
    <section className="card dataset-panel" aria-label="Dataset details">
      <h3 className="card-title">Dataset</h3>
      {ds ? (
        <>
          <dl className="kv">
            <dt>Name</dt>
            <dd>{ds.name}</dd>
            <dt>Pairs</dt>
            <dd>
              {fmtInt(ds.trainPairs)} train · {fmtInt(ds.valPairs)} val
            </dd>
            <dt>Classes</dt>
            <dd>
              {ds.classes.length === 0
                ? 'none (no zero-shot labels)'
                : `${ds.classes.length} zero-shot classes (${ds.classes.filter((c) => !c.heldOut).length} seen in training)`}
            </dd>
            <dt>Vocabulary</dt>
            <dd>{fmtInt(ds.vocabSize)} BPE tokens</dd>
            <dt>Source</dt>
            <dd>
              <span className={`badge ${ds.fromCache ? 'badge-ok' : 'badge-info'}`}>{ds.fromCache ? 'from browser storage' : 'generated'}</span>
            </dd>
          </dl>
          {ds.classes.length ? (
          <div className="heldout-list">
            <span className="muted">Held out (never seen in training):</span>
            {ds.classes.filter((c) => c.heldOut).length === 0 ? (
              <span className="muted"> none</span>
            ) : (
              <ul className="chips">
                {ds.classes
                  .filter((c) => c.heldOut)
                  .map((c) => (
                    <li key={c.name} className="chip chip-heldout">
                      {c.name}
                    </li>
                  ))}
              </ul>
            )}
          </div>
          ) : null}
          {ds.sampleCaptions.length ? (
            <div className="samples">
              <span className="muted">Sample captions:</span>
              <ul>
                {ds.sampleCaptions.slice(0, 6).map((c, i) => (
                  <li key={i}>“{c}”</li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      ) : (
        <p className="muted">
          {shapesChosen
            ? 'The dataset is generated (or loaded from the browser cache) when you press Start.'
            : 'The chosen dataset is loaded from the browser storage when you press Start.'}
        </p>
      )}
    </section>
  );
}
