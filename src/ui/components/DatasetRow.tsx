import type { DatasetSummary } from '../../protocol/data';
import { browseDataset, chooseDatasetNow, deleteDataset, exportDataset } from '../dataClient';
import { useDataStore } from '../stores/dataStore';
import { fmtDateTime, fmtInt, fmtKeptImages, fmtMB } from '../format';
import { useRoute } from '../stores/routeStore';
import { isBusy, useTelemetry } from '../stores/telemetryStore';
import { DeleteButton } from './DeleteButton';

export interface DatasetRowProps {
  d: DatasetSummary;
  builtin: boolean;
  /** A Shapes world cached by the trainer. */
  generated: boolean;
  chosen: boolean;
}

/** One stored dataset with its actions; Delete asks for a second click ("Confirm delete"). */
export function DatasetRow({ d, builtin, generated, chosen }: DatasetRowProps) {
  const exporting = useDataStore((s) => s.exporting.includes(d.id));
  const deleting = useDataStore((s) => s.deleting.includes(d.id));
  const browsing = useDataStore((s) => s.browse.id === d.id);
  const ready = useDataStore((s) => s.workerStatus === 'ready');
  const runBusy = useTelemetry((s) => isBusy(s.status.state));
  const trainingOnIt = runBusy && chosen;
  const setView = useRoute((s) => s.navigate);
  const created = fmtDateTime(d.createdAt).split(' ');

  return (
    <tr data-testid="dataset-row" data-dataset-name={d.name} data-dataset-id={d.id} className={chosen ? 'row-chosen' : undefined}>
      <td className="ds-name">
        <span className="ds-name-text">{d.name}</span>
        {builtin ? <span className="badge badge-info">built in</span> : null}
        {generated ? <span className="badge badge-info">generated</span> : null}
        {chosen ? <span className="badge badge-ok">training choice</span> : null}
        <div className="ds-sub">
          {d.imageSize} × {d.imageSize} px{fmtKeptImages(d.originals) ? ` · ${fmtKeptImages(d.originals)}` : ''}
          {d.hasClasses ? ' · class labels' : ''}
        </div>
      </td>
      <td className="ds-source">{d.source}</td>
      <td className="ds-created">
        <span className="nowrap">{created[0]}</span> <span className="nowrap muted">{created[1] ?? ''}</span>
      </td>
      <td className="num-cell">
        {fmtInt(d.trainPairs)} / {fmtInt(d.valPairs)}
      </td>
      <td className="num-cell">{fmtMB(d.bytes)}</td>
      <td className="row-actions">
        <div className="row-actions-inner">
          <button type="button" className={`btn btn-small${browsing ? ' btn-active' : ''}`} disabled={!ready || deleting} onClick={() => browseDataset(d.id)}>
            Browse
          </button>
          <button type="button" className="btn btn-small" disabled={!ready || exporting || deleting} onClick={() => exportDataset(d.id)}>
            {exporting ? 'Exporting…' : 'Export'}
          </button>
          <DeleteButton
            onDelete={() => deleteDataset(d.id)}
            confirmDisabled={!ready || deleting}
            disabled={!ready || deleting || trainingOnIt}
            title={trainingOnIt ? 'A run is using this dataset' : undefined}
            busyLabel={deleting ? 'Deleting…' : undefined}
          />
          <button
            type="button"
            className="btn btn-small btn-primary"
            disabled={runBusy || deleting}
            title={runBusy ? 'Stop the current run first' : undefined}
            onClick={() => {
              chooseDatasetNow({ kind: 'stored', id: d.id });
              setView('train');
            }}
          >
            Train on this
          </button>
        </div>
      </td>
    </tr>
  );
}
