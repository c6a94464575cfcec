import { browseDataset, chooseFashionMnist } from '../dataClient';
import { useDataStore } from '../stores/dataStore';
import { fmtInt, fmtKeptImages, fmtMB } from '../format';
import { useChosenSummary } from '../hooks';
import { useRoute } from '../stores/routeStore';
import { useSettings } from '../stores/settingsStore';

/** What the Run sidebar shows for a stored dataset choice (instead of the Shapes fields). */
export function StoredDatasetInfo({ id, builtin, locked }: { id: string; builtin: boolean; locked: boolean }) {
  const summary = useChosenSummary();
  const loaded = useDataStore((s) => s.datasetsLoaded);
  const modelSize = useSettings((s) => s.config.model.image.imageSize);
  const setView = useRoute((s) => s.navigate);

  if (!summary) {
    return (
      <p className="field-hint stored-info" data-testid="stored-dataset-info">
        {loaded ? `Dataset ${id} is not in the browser storage any more.` : 'Loading the dataset list…'}
      </p>
    );
  }
  const mismatch = summary.imageSize !== modelSize;
  return (
    <div className="stored-info" data-testid="stored-dataset-info">
      <dl className="kv kv-compact">
        <dt>Pairs</dt>
        <dd>
          {fmtInt(summary.trainPairs)} train · {fmtInt(summary.valPairs)} val
        </dd>
        <dt>Images</dt>
        <dd>
          {summary.imageSize} × {summary.imageSize} px{summary.originals ? ` · ${fmtKeptImages(summary.originals)}` : ''}
        </dd>
        <dt>Source</dt>
        <dd>{summary.source}</dd>
        <dt>Size</dt>
        <dd>{fmtMB(summary.bytes)}</dd>
        <dt>Zero-shot</dt>
        <dd>{summary.hasClasses ? 'class labels available' : 'no class labels (retrieval only)'}</dd>
      </dl>
      {mismatch && summary.originals ? (
        <p className="field-hint" role="status" data-testid="stored-size-note">
          The model takes {modelSize} px: its images come from the kept images, decoded at that size when first read (and cached in this browser when there is room).
        </p>
      ) : mismatch ? (
        <div className="field-warn" role="status">
          The images are stored at {summary.imageSize} px but the model takes {modelSize} px.
          {builtin ? (
            <button type="button" className="link-button inline-link" disabled={locked} onClick={chooseFashionMnist}>
              Prepare at {modelSize} px
            </button>
          ) : (
            ' Set the model image size to match, or re-import the data.'
          )}
        </div>
      ) : null}
      <button
        type="button"
        className="link-button inline-link"
        onClick={() => {
          setView('data');
          browseDataset(id);
        }}
      >
        Browse samples
      </button>
    </div>
  );
}
