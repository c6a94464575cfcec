import { fmtInt } from '../format';
import { useStore } from '../store';

export function DatasetPanel() {
  const ds = useStore((s) => s.dataset);
  return (
    <section className="card dataset-panel" aria-label="Dataset">
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
              {ds.classes.length} colour×shape combinations ({ds.classes.filter((c) => !c.heldOut).length} seen)
            </dd>
            <dt>Vocabulary</dt>
            <dd>{fmtInt(ds.vocabSize)} BPE tokens</dd>
            <dt>Source</dt>
            <dd>
              <span className={`badge ${ds.fromCache ? 'badge-ok' : 'badge-info'}`}>{ds.fromCache ? 'from cache' : 'generated'}</span>
            </dd>
          </dl>
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
        <p className="muted">The dataset is generated (or loaded from the browser cache) when you press Start.</p>
      )}
    </section>
  );
}
