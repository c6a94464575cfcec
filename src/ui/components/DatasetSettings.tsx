import { useMemo } from 'react';
import { chooseDatasetNow, chooseFashionMnist } from '../dataClient';
import { isBuiltinDataset, isImportedDataset, useDataStore } from '../stores/dataStore';
import { fmtInt } from '../format';
import { useRoute } from '../stores/routeStore';
import { useSettings } from '../stores/settingsStore';
import { ShapesSettings } from './ShapesSettings';
import { StoredDatasetInfo } from './StoredDatasetInfo';

const SHAPES = 'shapes';
const FASHION = 'fashion-mnist';

/** The Run sidebar's dataset choice: the Shapes world, Fashion-MNIST or an imported dataset. */
export function DatasetSettings({ locked }: { locked: boolean }) {
  const dataset = useSettings((s) => s.config.dataset);
  const setView = useRoute((s) => s.navigate);
  const datasets = useDataStore((s) => s.datasets);
  const datasetsLoaded = useDataStore((s) => s.datasetsLoaded);
  const builtinIds = useDataStore((s) => s.builtinIds);
  const builtin = useDataStore((s) => s.builtin);
  const workerStatus = useDataStore((s) => s.workerStatus);

  const imported = useMemo(() => datasets.filter((d) => isImportedDataset(d, builtinIds)), [datasets, builtinIds]);
  const storedId = dataset.kind === 'stored' ? dataset.id : null;
  const chosenIsBuiltin =
    storedId !== null && (builtinIds.includes(storedId) || datasets.some((d) => d.id === storedId && isBuiltinDataset(d, builtinIds)));
  const preparing = builtin.wanted && builtin.status === 'preparing';
  const value = preparing || chosenIsBuiltin ? FASHION : storedId ?? SHAPES;
  const unknownChosen = storedId !== null && !chosenIsBuiltin && !imported.some((d) => d.id === storedId);

  const onChange = (v: string) => {
    if (v === SHAPES) chooseDatasetNow({ kind: 'shapes' });
    else if (v === FASHION) chooseFashionMnist();
    else chooseDatasetNow({ kind: 'stored', id: v });
  };

  const progress = builtin.progress;
  const frac = progress && progress.bytesTotal > 0 ? Math.min(1, progress.bytesRead / progress.bytesTotal) : 0;

  return (
    <fieldset className="panel-section">
      <legend>Dataset</legend>
      <div className="field field-wide">
        <label htmlFor="ds-kind">Dataset</label>
        <select id="ds-kind" value={value} disabled={locked} onChange={(e) => onChange(e.target.value)}>
          <option value={SHAPES}>Shapes world (generated)</option>
          <option value={FASHION}>Fashion-MNIST (built in)</option>
          {imported.length ? (
            <optgroup label="Imported">
              {imported.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({fmtInt(d.trainPairs)} train · {fmtInt(d.valPairs)} val pairs)
                </option>
              ))}
            </optgroup>
          ) : null}
          {unknownChosen ? <option value={storedId}>{datasetsLoaded ? `Missing dataset (${storedId})` : 'Stored dataset (loading…)'}</option> : null}
        </select>
        {dataset.kind === 'shapes' && !preparing ? (
          <span className="field-hint">
            {imported.length ? `${imported.length} imported dataset${imported.length === 1 ? '' : 's'} available · ` : ''}
            <button type="button" className="link-button inline-link" onClick={() => setView('data')}>
              {imported.length ? 'manage data' : 'import your own image–caption data'}
            </button>
          </span>
        ) : null}
      </div>

      {preparing ? (
        <div className="builtin-progress" data-testid="builtin-progress">
          <span className="field-hint">Preparing Fashion-MNIST at {builtin.imageSize} px… {progress?.message ?? ''}</span>
          <div className="bar bar-thin" role="progressbar" aria-label="Fashion-MNIST preparation" aria-valuemin={0} aria-valuemax={1} aria-valuenow={frac}>
            <div className="bar-fill bar-live" style={{ width: progress ? `${(frac * 100).toFixed(1)}%` : '100%', opacity: progress ? 1 : 0.35 }} />
          </div>
        </div>
      ) : null}
      {builtin.status === 'error' && builtin.error && !preparing ? (
        <p className="field-error" role="alert">
          Fashion-MNIST could not be prepared: {builtin.error}
        </p>
      ) : null}
      {workerStatus === 'error' ? <p className="field-hint">The data worker is unavailable: only the Shapes world can be used.</p> : null}

      {preparing ? null : dataset.kind === 'shapes' ? (
        <ShapesSettings dataset={dataset} locked={locked} />
      ) : (
        <StoredDatasetInfo id={dataset.id} builtin={chosenIsBuiltin} locked={locked} />
      )}
    </fieldset>
  );
}
