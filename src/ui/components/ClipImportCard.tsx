import { useRef } from 'react';
import { fmtMB, fmtMs } from '../format';
import { cancelClipImport, importClipFolder } from '../inferenceClient';
import { useModelsStore } from '../stores/modelsStore';
import { DropZone } from './DropZone';

/** The folder a picked file sits in (webkitdirectory gives "folder/file"), else null. */
function folderOf(files: readonly File[]): string | null {
  const path = (files[0] as (File & { webkitRelativePath?: string }) | undefined)?.webkitRelativePath ?? '';
  return path.includes('/') ? path.split('/')[0]! : null;
}

/**
 * The Models tab's import of a real CLIP from disk: a checkpoint folder in the Hugging Face or
 * open_clip layout, picked (folder or files) or dropped; read and stored by the inference worker
 * with progress and Cancel; the outcome, or the refusal naming the file and the problem.
 */
export function ClipImportCard() {
  const job = useModelsStore((s) => s.clipImport);
  const last = useModelsStore((s) => s.lastClipImport);
  const folderPicker = useRef<HTMLInputElement>(null);
  const filePicker = useRef<HTMLInputElement>(null);
  const start = (files: File[], folder: string | null) => {
    if (!files.length) return;
    const weights = files.find((f) => /\.safetensors$/i.test(f.name));
    void importClipFolder(files, folder ?? weights?.name.replace(/\.safetensors$/i, '') ?? 'CLIP');
  };
  const frac = job && job.total > 0 ? Math.min(1, job.done / job.total) : 0;
  const picked = (e: React.ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    start(files, folderOf(files));
    e.target.value = '';
  };

  return (
    <section className="card" aria-label="Import a CLIP checkpoint">
      <div className="card-head">
        <h3 className="card-title">Bring a CLIP checkpoint</h3>
      </div>
      <p className="muted">
        A ViT CLIP you have on disk (OpenAI CLIP, open_clip, ViT-B/32, B/16, L/14 …), as its folder: the Hugging Face layout (<code>config.json</code>,{' '}
        <code>model.safetensors</code>, <code>tokenizer.json</code> or <code>vocab.json</code> + <code>merges.txt</code>, <code>preprocessor_config.json</code>) or the open_clip
        layout (<code>open_clip_config.json</code>, <code>open_clip_model.safetensors</code> and its tokenizer files). Weights in F32, F16 or BF16. It is read here, checked, and
        kept in this browser (stored as F32: about 4 bytes per weight, ≈ 600 MB for a ViT-B/32); nothing is uploaded. Then it is in the table above: Try it, search a dataset with
        it, evaluate it, measure its modality gap.
      </p>
      <input ref={folderPicker} type="file" hidden data-testid="clip-folder-input" onChange={picked} {...{ webkitdirectory: '', directory: '' }} />
      <input ref={filePicker} type="file" multiple hidden data-testid="clip-files-input" accept=".json,.txt,.safetensors" onChange={picked} />
      <DropZone
        disabled={job !== null}
        testId="clip-drop-zone"
        onFiles={start}
        onBrowse={() => folderPicker.current?.click()}
        title="Drop a CLIP checkpoint folder here"
        hint="or click to choose the folder"
      />
      <p className="muted">
        <button type="button" className="link-button" disabled={job !== null} onClick={() => filePicker.current?.click()}>
          Choose the files instead
        </button>{' '}
        (where a folder cannot be picked).
      </p>
      {job ? (
        <div className="progress-line" data-testid="clip-import-progress">
          <span className="progress-label">{job.name}</span>
          <div className="bar bar-thin" role="progressbar" aria-label="CLIP import progress" aria-valuemin={0} aria-valuemax={job.total} aria-valuenow={job.done}>
            <div className="bar-fill bar-live" style={{ width: `${(frac * 100).toFixed(2)}%` }} />
          </div>
          <span className="progress-text">{job.message}</span>
          <button type="button" className="btn btn-small" onClick={cancelClipImport}>
            Cancel
          </button>
        </div>
      ) : null}
      {last ? (
        <div className={`notice ${last.ok || last.cancelled ? 'notice-info' : 'notice-error'}`} role={last.ok ? 'status' : 'alert'} data-testid="clip-import-result">
          {last.ok && last.model
            ? `Stored “${last.model.name}”: ${last.model.origin?.architecture ?? 'CLIP'}, ${(last.model.paramCount / 1e6).toFixed(1)} M weights, ${fmtMB(last.model.bytes)} in the browser (read in ${fmtMs(last.readMs)}, written in ${fmtMs(last.writeMs)}).`
            : last.cancelled
              ? `Import of ${last.name} cancelled. Nothing was stored.`
              : `Refused: ${last.error} Nothing was stored.`}
        </div>
      ) : null}
    </section>
  );
}
