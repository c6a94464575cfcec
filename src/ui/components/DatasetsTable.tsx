import { refreshDatasets } from '../dataClient';
import { isBuiltinDataset, isGeneratedDataset, useDataStore } from '../stores/dataStore';
import { useSettings } from '../stores/settingsStore';
import { DatasetRow } from './DatasetRow';
import { StorageLine } from './StorageLine';

/** Every dataset in the browser's storage, with Browse / Export / Delete / Train on this. */
export function DatasetsTable() {
  const datasets = useDataStore((s) => s.datasets);
  const loaded = useDataStore((s) => s.datasetsLoaded);
  const builtinIds = useDataStore((s) => s.builtinIds);
  const workerStatus = useDataStore((s) => s.workerStatus);
  const chosenId = useSettings((s) => (s.config.dataset.kind === 'stored' ? s.config.dataset.id : null));

  return (
    <section className="card datasets-card" aria-label="Stored datasets">
      <div className="card-head">
        <h3 className="card-title">Stored datasets</h3>
        <button type="button" className="link-button" disabled={workerStatus !== 'ready'} onClick={refreshDatasets}>
          Refresh
        </button>
      </div>
      <StorageLine />
      <div className="table-wrap">
        <table className="data-table" data-testid="datasets-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Source</th>
              <th>Created</th>
              <th className="num-cell">Train / val pairs</th>
              <th className="num-cell">Size</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <DatasetRow key={d.id} d={d} builtin={isBuiltinDataset(d, builtinIds)} generated={isGeneratedDataset(d)} chosen={d.id === chosenId} />
            ))}
            {datasets.length === 0 ? (
              <tr className="empty-row">
                <td colSpan={6}>
                  {workerStatus === 'error'
                    ? 'Unavailable: the data worker did not start.'
                    : !loaded
                      ? 'Loading…'
                      : 'No datasets stored yet. Import one above, or choose Fashion-MNIST in the Run sidebar.'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
