// Retrieval search over a stored dataset: the dataset's images and captions are embedded once per
// model in the worker (progress, cancel), then a typed query shows the top-k images with their
// scores as it is typed (debounced); clicking an image shows the captions that score highest for it.
import { StoredDatasetSelect } from '../../components/StoredDatasetSelect';
import { useState } from 'react';
import { SampleImage } from '../../components/SampleImage';
import { fmtInt } from '../../format';
import { buildIndex, cancelJob, imageCaptions, scheduleSearch, search } from '../../inferenceClient';
import { useDataStore } from '../../stores/dataStore';
import { useTry } from '../../stores/tryStore';

const K_CHOICES = [8, 16, 32];

export function RetrievalSearch() {
  const model = useTry((s) => s.model);
  const index = useTry((s) => s.index);
  const job = useTry((s) => s.indexJob);
  const indexError = useTry((s) => s.indexError);
  const results = useTry((s) => s.search);
  const searchError = useTry((s) => s.searchError);
  const captions = useTry((s) => s.captions);
  const datasets = useDataStore((s) => s.datasets);
  const [datasetId, setDatasetId] = useState<string>('');
  const [query, setQuery] = useState('');
  const [k, setK] = useState(16);
  const chosen = datasetId || (model?.datasetStored ? model.datasetId : (datasets[0]?.id ?? ''));
  const ready = index !== null && index.modelKey === model?.key && index.datasetId === chosen;

  return (
    <section className="card try-search" aria-label="Retrieval search">
      <div className="card-head">
        <h3 className="card-title">Search a dataset</h3>
      </div>
      <div className="try-row">
        <StoredDatasetSelect label="Dataset" ariaLabel="Search dataset" datasets={datasets} value={chosen} onChange={setDatasetId} showPairs />
        {job ? (
          <>
            <progress max={job.progress?.total ?? 1} value={job.progress?.done ?? 0} aria-label="Embedding the dataset" />
            <span className="muted small">{job.progress?.message ?? 'Starting…'}</span>
            <button type="button" className="btn" onClick={() => cancelJob(job.requestId)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" className={ready ? 'btn' : 'btn btn-primary'} disabled={!model || !chosen} onClick={() => void buildIndex(chosen)} data-testid="build-index">
            {ready ? 'Rebuild the index' : 'Embed the dataset'}
          </button>
        )}
        {ready ? (
          <span className="muted small" data-testid="index-status">
            {fmtInt(index.images)} images and {fmtInt(index.captions)} captions embedded with this model{index.cached ? '' : ` in ${(index.ms / 1000).toFixed(1)} s (${fmtInt(index.imagesPerSec)} images/s)`}
          </span>
        ) : index && index.modelKey !== model?.key ? (
          <span className="muted small">The index belongs to an earlier model: embed again to search with this one.</span>
        ) : null}
      </div>
      {indexError ? <p className="field-error" role="alert">{indexError}</p> : null}
      <form
        className="try-row"
        onSubmit={(e) => {
          e.preventDefault();
          void search(query, k);
        }}
      >
        <input
          className="try-query"
          type="search"
          aria-label="Search query"
          data-testid="search-query"
          placeholder="a red circle"
          value={query}
          disabled={!ready}
          onChange={(e) => {
            setQuery(e.target.value);
            scheduleSearch(e.target.value, k);
          }}
        />
        <select
          aria-label="Results"
          value={k}
          onChange={(e) => {
            setK(Number(e.target.value));
            scheduleSearch(query, Number(e.target.value), 0);
          }}
        >
          {K_CHOICES.map((n) => (
            <option key={n} value={n}>
              top {n}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-primary" disabled={!ready || !query.trim()}>
          Search
        </button>
      </form>
      {searchError ? <p className="field-error" role="alert">{searchError}</p> : null}
      {results && ready ? (
        <>
          <p className="muted small">
            Top {results.hits.length} for “{results.query}” · {results.ms.toFixed(0)} ms{results.truncated ? ' · the query is longer than the context and was cut' : ''}
          </p>
          <div className="search-grid" data-testid="search-results">
            {results.hits.map((h, i) => (
              <button key={h.position} type="button" className={`search-hit${captions?.position === h.position ? ' search-hit-on' : ''}`} data-caption={h.caption} data-score={h.score} onClick={() => void imageCaptions(h.position)}>
                <SampleImage rgb={h.rgb} size={results.size} display={72} label={`${i + 1}: ${h.caption}`} />
                <span className="search-score">{h.score.toFixed(3)}</span>
              </button>
            ))}
          </div>
          {captions ? (
            <div className="search-captions" data-testid="image-captions">
              <h4 className="zs-title">Captions that fit this image best</h4>
              <ol>
                {captions.captions.map((c, i) => (
                  <li key={i} className={c.own ? 'caption-own' : undefined}>
                    {c.text} <span className="muted small">{c.score.toFixed(3)}{c.own ? ' · its own caption' : ''}</span>
                  </li>
                ))}
              </ol>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
