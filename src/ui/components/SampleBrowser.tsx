import { useEffect, useRef, useState } from 'react';
import { browseDataset } from '../dataClient';
import { findDataset, useDataStore } from '../stores/dataStore';
import { fmtInt, truncate } from '../format';
import { SampleImage } from './SampleImage';

const SEARCH_DEBOUNCE_MS = 250;

/** Pages through a stored dataset's pairs: images (drawn from raw RGB) with their captions. */
export function SampleBrowser() {
  const browse = useDataStore((s) => s.browse);
  const datasets = useDataStore((s) => s.datasets);
  const closeBrowser = useDataStore((s) => s.closeBrowser);
  const ready = useDataStore((s) => s.workerStatus === 'ready');
  const summary = findDataset(datasets, browse.id);
  const [text, setText] = useState(browse.query);
  const sectionRef = useRef<HTMLElement>(null);

  // A new dataset: take over its query and bring the browser into view.
  useEffect(() => {
    setText(useDataStore.getState().browse.query);
    if (browse.id) sectionRef.current?.scrollIntoView?.({ behavior: 'smooth', block: 'nearest' });
  }, [browse.id]);

  // Typing searches after a short pause (from the first page).
  useEffect(() => {
    const id = browse.id;
    if (!id || text === useDataStore.getState().browse.query) return;
    const t = setTimeout(() => browseDataset(id, 0, text), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text, browse.id]);

  if (!browse.id) {
    return (
      <section className="card sample-browser" aria-label="Sample browser" ref={sectionRef}>
        <h3 className="card-title">Samples</h3>
        <p className="muted browser-empty">Choose Browse on a dataset to look through its images and captions.</p>
      </section>
    );
  }

  const { offset, limit, total, items, loading, loaded, query } = browse;
  const first = total > 0 ? offset + 1 : 0;
  const last = Math.min(total, offset + items.length);
  const display = 96;

  return (
    <section className="card sample-browser" aria-label="Sample browser" ref={sectionRef}>
      <div className="card-head">
        <h3 className="card-title">
          Samples of <span className="accent-text">{summary?.name ?? browse.id}</span>
        </h3>
        <button type="button" className="icon-button" aria-label="Close sample browser" title="Close" onClick={closeBrowser}>
          ×
        </button>
      </div>
      <div className="browser-bar">
        <div className="field browser-search">
          <label htmlFor="browse-search">Search captions</label>
          <input id="browse-search" type="search" value={text} placeholder="words in a caption…" onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="browser-paging">
          <button type="button" className="btn btn-small" disabled={!ready || loading || offset <= 0} onClick={() => browseDataset(browse.id!, Math.max(0, offset - limit), query)}>
            Previous
          </button>
          <span className="browser-count" data-testid="browse-count">
            {loaded ? (total > 0 ? `${fmtInt(first)}–${fmtInt(last)} of ${fmtInt(total)}` : `0 of 0`) : 'loading…'}
            {query ? ` matching “${truncate(query, 30)}”` : ''}
          </span>
          <button
            type="button"
            className="btn btn-small"
            disabled={!ready || loading || offset + limit >= total}
            onClick={() => browseDataset(browse.id!, offset + limit, query)}
          >
            Next
          </button>
        </div>
      </div>
      {loaded && items.length === 0 ? (
        <p className="muted browser-empty">{query ? 'No caption matches the search.' : 'This dataset has no samples.'}</p>
      ) : (
        <ul className={`sample-grid${loading ? ' sample-grid-loading' : ''}`} data-testid="sample-grid" aria-busy={loading}>
          {items.map((it) => (
            <li key={`${it.split}/${it.key}`} className="sample" data-testid="sample-item" title={it.key}>
              <div className="sample-frame">
                <SampleImage rgb={it.image} size={it.size} display={display} label={it.captions[0] ?? it.key} />
                {it.split === 'val' ? <span className="sample-split">val</span> : null}
              </div>
              <ul className="sample-captions">
                {it.captions.slice(0, 3).map((c, i) => (
                  <li key={i}>{c}</li>
                ))}
                {it.captions.length > 3 ? <li className="muted">+{it.captions.length - 3} more</li> : null}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
