import { useState } from 'react';
import type { ModelSummary } from '../../protocol/trainer';
import { DeleteButton } from './DeleteButton';
import { fmtCount, fmtDateTime, fmtInt, fmtMB, fmtNum, fmtPct } from '../format';
import { useModelsStore } from '../stores/modelsStore';
import { objectiveOf } from '../../config/objectiveOf';
import { objectiveShort } from '../objectives';
import { useRoute } from '../stores/routeStore';
import { useSettings } from '../stores/settingsStore';
import { isBusy, useTelemetry } from '../stores/telemetryStore';
import { deleteModel, exportModel, exportOpenClipModel, renameModel, resumeModel } from '../trainerClient';
import { openClipExportProblems } from '../../model/checkpoints/exportOpenClip';
import { END_ID } from '../../tokenizer/bpeIds';
import { loadModel } from '../inferenceClient';

/** One saved model: what it is, how far it trained, how good it is, and its actions. */
export function ModelRow({ m, current }: { m: ModelSummary; current: boolean }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(m.name);
  const exporting = useModelsStore((s) => s.exporting.includes(m.id));
  const busy = useTelemetry((s) => isBusy(s.status.state));
  const setView = useRoute((s) => s.navigate);
  const created = fmtDateTime(m.updatedAt).split(' ');
  // A CLIP checkpoint's tokenizer ends at its last id; the app's BPE ends at END_ID (the export relabels it).
  const V = m.config.model.text.vocabSize;
  const openClipProblems = openClipExportProblems(m.config.model, { kind: m.kind === 'clip' ? 'clip-bpe' : 'clip-lab-bpe', vocabSize: V, endId: m.kind === 'clip' ? V - 1 : END_ID });
  const load = () => {
    resumeModel(m.id);
    setView('train');
  };
  const commitName = () => {
    setEditing(false);
    if (name.trim() && name.trim() !== m.name) renameModel(m.id, name.trim());
    else setName(m.name);
  };

  return (
    <tr data-testid="model-row" data-model-id={m.id} data-model-name={m.name} className={current ? 'row-chosen' : undefined}>
      <td className="ds-name">
        {editing ? (
          <input
            className="inline-input"
            aria-label="Model name"
            value={name}
            autoFocus
            onChange={(e) => setName(e.target.value)}
            onBlur={commitName}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitName();
              if (e.key === 'Escape') {
                setName(m.name);
                setEditing(false);
              }
            }}
          />
        ) : (
          <span className="ds-name-text">{m.name}</span>
        )}
        {m.kind === 'imported' ? <span className="badge badge-info">imported</span> : null}
        {m.kind === 'clip' ? (
          <span className="badge badge-info" title="A pretrained CLIP read from a checkpoint folder">
            CLIP checkpoint
          </span>
        ) : m.finished ? (
          <span className="badge badge-ok">finished</span>
        ) : m.resumable ? (
          <span className="badge badge-warn">unfinished</span>
        ) : (
          <span className="badge badge-info">weights only</span>
        )}
        {current ? <span className="badge badge-ok">in the trainer</span> : null}
        <div className="ds-sub col-narrow">
          on {m.datasetName} · saved {fmtDateTime(m.updatedAt)}
        </div>
        {m.origin ? (
          <div className="ds-sub" data-testid="clip-origin">
            {m.origin.architecture} · {m.config.model.image.imageSize} px · {m.origin.layout === 'openclip' ? 'open_clip' : 'Hugging Face'} layout · {m.origin.dtypes.join('/')} file of{' '}
            {fmtMB(m.origin.fileBytes)} · {fmtCount(m.paramCount)} params · context {m.config.model.text.contextLength}
          </div>
        ) : (
          <div className="ds-sub">
            {m.config.preset} · {objectiveShort(objectiveOf(m.config))} · {fmtCount(m.paramCount)} params · B {m.config.batchSize} · seed {m.config.seed}
          </div>
        )}
      </td>
      <td className="col-wide">{m.datasetName}</td>
      <td className="num-cell">{m.kind === 'clip' ? 'pretrained' : `${fmtInt(m.step)} / ${fmtInt(m.totalSteps)}`}</td>
      <td className="num-cell" title="last training loss · zero-shot top-1 · modality gap at the last evaluation">
        {m.lastLoss !== null ? `loss ${fmtNum(m.lastLoss, 3)}` : '–'}
        {m.lastEval ? (
          <div className="ds-sub">
            {Number.isFinite(m.lastEval.zeroShotAll) ? `zero-shot ${fmtPct(m.lastEval.zeroShotAll)} · ` : ''}gap {fmtNum(m.lastEval.gap, 3)} @ {fmtInt(m.lastEval.step)}
          </div>
        ) : null}
      </td>
      <td className="num-cell">{fmtMB(m.bytes)}</td>
      <td className="ds-created col-wide">
        <span className="nowrap">{created[0]}</span> <span className="nowrap muted">{created[1] ?? ''}</span>
      </td>
      <td className="row-actions">
        <div className="row-actions-inner">
          {m.resumable ? (
            <button type="button" className="btn btn-small btn-primary" disabled={busy} title={busy ? 'Pause or stop the current run first' : 'Load at its checkpoint, paused; Resume continues it'} onClick={load}>
              Continue training
            </button>
          ) : null}
          {m.kind !== 'clip' ? (
            <button type="button" className="btn btn-small" disabled={busy} title={busy ? 'Pause or stop the current run first' : 'Load it in the trainer to evaluate it'} onClick={load}>
              Use this model
            </button>
          ) : null}
          <button
            type="button"
            className="btn btn-small"
            title="Zero-shot playground, search and evaluation on this model (the trainer is not touched)"
            onClick={() => {
              void loadModel({ kind: 'stored', id: m.id });
              setView('try');
            }}
          >
            Try it
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            title={busy ? 'Pause or stop the current run first' : 'A new run that starts from this model, on the dataset chosen in the Run panel'}
            onClick={() => {
              useSettings.getState().setConfig((c) => ({ ...c, init: { modelId: m.id, modelName: m.name, train: 'projections' } }));
              setView('train');
            }}
          >
            Fine-tune…
          </button>
          <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
            Rename
          </button>
          <button type="button" className="btn btn-small" disabled={exporting} title="A CLIP Lab model file (.safetensors), to import here or elsewhere" onClick={() => exportModel(m.id)}>
            {exporting ? 'Exporting…' : 'Export'}
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={exporting || openClipProblems.length > 0}
            title={openClipProblems.length ? `Does not map onto open_clip: ${openClipProblems.join(' ')}` : 'An open_clip checkpoint folder (.tar): config, state dict, tokenizer, how to load it'}
            onClick={() => exportOpenClipModel(m.id)}
          >
            For open_clip
          </button>
          <DeleteButton onDelete={() => deleteModel(m.id)} disabled={current && busy} title={current && busy ? 'Stop the run first' : undefined} />
        </div>
      </td>
    </tr>
  );
}
