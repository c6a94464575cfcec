import { useRef } from 'react';
import { fmtMB, fmtMBWhole } from '../format';
import { useModelsStore } from '../stores/modelsStore';
import { importModelFiles, listModels } from '../trainerClient';
import { ClipImportCard } from './ClipImportCard';
import { DropZone } from './DropZone';
import { ModelRow } from './ModelRow';

/** The Models tab: every saved run, imported model file and CLIP checkpoint, with the imports of both. */
export function ModelsView() {
  const models = useModelsStore((s) => s.models);
  const loaded = useModelsStore((s) => s.loaded);
  const currentId = useModelsStore((s) => s.run?.id ?? null);
  const importing = useModelsStore((s) => s.importing);
  const lastImport = useModelsStore((s) => s.lastImport);
  const storage = useModelsStore((s) => s.storage);
  const picker = useRef<HTMLInputElement>(null);
  const total = models.reduce((a, m) => a + m.bytes, 0);
  const onFiles = (files: File[]) => {
    const chosen = files.filter((f) => /\.safetensors$/i.test(f.name));
    if (chosen.length) importModelFiles(chosen);
  };

  return (
    <div className="models-view">
      <section className="card" aria-label="Saved models">
        <div className="card-head">
          <h3 className="card-title">Saved models</h3>
          <button type="button" className="link-button" onClick={listModels}>
            Refresh
          </button>
        </div>
        <p className="muted storage-line" data-testid="models-storage">
          {models.length} model{models.length === 1 ? '' : 's'} · {fmtMB(total)}
          {storage ? ` · browser storage used ${fmtMBWhole(storage.usage)} of ${fmtMBWhole(storage.quota)}` : ''}. Runs save a checkpoint automatically (see
          Auto-save in the Run panel) and on Pause and Stop.
        </p>
        <div className="table-wrap">
          <table className="data-table models-table" data-testid="models-table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="col-wide">Dataset</th>
                <th className="num-cell">Steps</th>
                <th className="num-cell">Last metrics</th>
                <th className="num-cell">Size</th>
                <th className="col-wide">Saved</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {models.map((m) => (
                <ModelRow key={m.id} m={m} current={m.id === currentId} />
              ))}
              {models.length === 0 ? (
                <tr className="empty-row">
                  <td colSpan={7}>{loaded ? 'No saved models yet. Train a run (it saves itself), import a .safetensors model file, or bring a CLIP checkpoint (below).' : 'Loading…'}</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card" aria-label="Import a model file">
        <div className="card-head">
          <h3 className="card-title">Import a model file</h3>
        </div>
        <p className="muted">
          A <code>.safetensors</code> file exported from CLIP Lab (Export above). It is checked completely — structure, metadata, every tensor against its
          config, finite values — before anything is stored.
        </p>
        <input
          ref={picker}
          type="file"
          accept=".safetensors"
          multiple
          hidden
          data-testid="model-file-input"
          onChange={(e) => {
            onFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <DropZone onFiles={(files) => onFiles(files)} onBrowse={() => picker.current?.click()} title="Drop .safetensors model files here" hint="or click to choose them" />
        {importing.length ? <p className="muted">Checking {importing.join(', ')}…</p> : null}
        {lastImport ? (
          <div className={`notice ${lastImport.ok ? 'notice-info' : 'notice-error'}`} role={lastImport.ok ? 'status' : 'alert'} data-testid="model-import-result">
            {lastImport.ok ? `Imported ${lastImport.fileName} as “${lastImport.model?.name}” (step ${lastImport.model?.step}).` : `Refused: ${lastImport.error} Nothing was stored.`}
          </div>
        ) : null}
      </section>
      <ClipImportCard />
    </div>
  );
}
