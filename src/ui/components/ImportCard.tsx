import { useRef, useState } from 'react';
import type { ImportFormat } from '../../protocol/data';
import { DEFAULT_KEEP_IMAGES, type KeepImages } from '../../data/store/types';
import { startImport } from '../dataClient';
import { isImportRunning, useDataStore } from '../stores/dataStore';
import { fileKey } from '../dropFiles';
import { fmtInt, fmtMB, truncate } from '../format';
import { useSettings } from '../stores/settingsStore';
import { DropZone } from './DropZone';
import { ImportStatus } from './ImportStatus';

interface FormatInfo {
  label: string;
  accept: string;
  /** The file a format cannot do without, as a test and its description. */
  needs: { test: RegExp; what: string };
  folder: boolean;
  help: string;
}

const FORMATS: Record<ImportFormat, FormatInfo> = {
  webdataset: {
    label: 'WebDataset tar shards',
    accept: '.tar,.tgz,.gz',
    needs: { test: /\.(tar|tgz|tar\.gz)$/i, what: 'a .tar or .tar.gz shard' },
    folder: false,
    help: 'Tar shards where each sample is key.jpg / .png / .webp / .gif / .bmp plus key.txt (or key.json with a "caption").',
  },
  coco: {
    label: 'COCO captions + images',
    accept: '.json,image/*',
    needs: { test: /\.json$/i, what: 'a captions_*.json annotation file' },
    folder: true,
    help: 'One captions_*.json annotation file plus the images it names (pick them, or their folder).',
  },
  'caption-file': {
    label: 'Images + CSV/TSV/JSONL',
    accept: '.csv,.tsv,.jsonl,.txt,image/*',
    needs: { test: /\.(csv|tsv|jsonl)$/i, what: 'a .csv, .tsv or .jsonl caption file' },
    folder: true,
    help: 'One .csv / .tsv / .jsonl file mapping image file names to captions, plus the images (or their folder).',
  },
};

/** Short sides the form offers for kept images (224-px CLIPs need at least 224). */
const KEEP_SIDES = [128, 256, 384, 512] as const;

function keepImagesOf(value: string): KeepImages {
  return value === 'original' ? { kind: 'original' } : { kind: 'resized', shortSide: Number(value) };
}

/** A default dataset name from a folder or the first file ("shard-0000.tar" → "shard-0000"). */
function suggestName(files: File[], folderName: string | null): string {
  if (folderName) return folderName;
  const f = files[0];
  if (!f) return '';
  const top = f.webkitRelativePath.split('/')[0];
  if (f.webkitRelativePath && top) return top;
  return f.name.replace(/(\.tar)?\.(gz|tgz|tar|json|jsonl|csv|tsv|txt|zip)$/i, '') || f.name;
}

/** Import form: format, name, files (picker, folder picker, drop zone) and the job's status. */
export function ImportCard() {
  const workerStatus = useDataStore((s) => s.workerStatus);
  const job = useDataStore((s) => s.importJob);
  const imageSize = useSettings((s) => s.config.model.image.imageSize);
  const vocabSize = useSettings((s) => s.config.model.text.vocabSize);
  const [format, setFormat] = useState<ImportFormat>('webdataset');
  const [name, setName] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [valPct, setValPct] = useState('5');
  const [keep, setKeep] = useState(String(DEFAULT_KEEP_IMAGES.shortSide));
  const fileInput = useRef<HTMLInputElement>(null);

  const running = isImportRunning(job);
  const info = FORMATS[format];
  const totalBytes = files.reduce((a, f) => a + f.size, 0);
  const val = Number(valPct);
  const valOk = valPct.trim() !== '' && Number.isFinite(val) && val >= 0 && val <= 50;
  const missing = files.length > 0 && !files.some((f) => info.needs.test.test(f.name));

  const addFiles = (list: File[], folderName: string | null) => {
    if (list.length === 0) return;
    setFiles((prev) => {
      const seen = new Set(prev.map(fileKey));
      const next = [...prev];
      for (const f of list) {
        const k = fileKey(f);
        if (!seen.has(k)) {
          seen.add(k);
          next.push(f);
        }
      }
      return next;
    });
    setName((n) => (n.trim() ? n : suggestName(list, folderName)));
  };

  const blocker =
    workerStatus === 'error'
      ? 'the data worker is unavailable'
      : workerStatus === 'starting'
        ? 'waiting for the data worker…'
        : running
          ? 'an import is running'
          : files.length === 0
            ? 'choose files to import'
            : !name.trim()
              ? 'give the dataset a name'
              : !valOk
                ? 'the validation share must be 0–50 %'
                : null;

  const onImport = () => {
    if (blocker) return;
    startImport({ format, name: name.trim(), files, valFraction: val / 100, keepImages: keepImagesOf(keep) });
    setFiles([]);
    setName('');
  };

  return (
    <section className="card import-card" aria-label="Import a dataset">
      <h3 className="card-title">Import image–caption pairs</h3>
      <p className="card-caption">
        Everything stays in this browser: files are read by a worker, images are centre-cropped to {imageSize} × {imageSize} px for training (the
        model&apos;s image size) and also kept as chosen below, so that models of other sizes and exports get real pixels; a {fmtInt(vocabSize)}-token
        BPE is trained on the captions.
      </p>
      <div className="import-grid">
        <div className="import-form">
          <div className="field">
            <label htmlFor="imp-format">Import format</label>
            <select id="imp-format" value={format} disabled={running} onChange={(e) => setFormat(e.target.value as ImportFormat)}>
              {(Object.keys(FORMATS) as ImportFormat[]).map((f) => (
                <option key={f} value={f}>
                  {FORMATS[f].label}
                </option>
              ))}
            </select>
            <span className="field-hint">{info.help}</span>
          </div>
          <div className="field">
            <label htmlFor="imp-name">Dataset name</label>
            <input id="imp-name" type="text" value={name} maxLength={120} disabled={running} placeholder="e.g. my photos" onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field-row">
            <div className="field">
              <label htmlFor="imp-files">Files</label>
              <input
                id="imp-files"
                ref={fileInput}
                type="file"
                multiple
                accept={info.accept}
                disabled={running}
                onChange={(e) => {
                  addFiles(Array.from(e.target.files ?? []), null);
                  e.target.value = '';
                }}
              />
            </div>
            {info.folder ? (
              <div className="field">
                <label htmlFor="imp-folder">Folder</label>
                <input
                  id="imp-folder"
                  type="file"
                  ref={(el) => {
                    if (el) el.webkitdirectory = true;
                  }}
                  disabled={running}
                  onChange={(e) => {
                    addFiles(Array.from(e.target.files ?? []).filter((f) => !f.name.startsWith('.')), null);
                    e.target.value = '';
                  }}
                />
              </div>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="imp-keep">Keep images</label>
            <select id="imp-keep" value={keep} disabled={running} onChange={(e) => setKeep(e.target.value)}>
              {KEEP_SIDES.map((side) => (
                <option key={side} value={String(side)}>
                  Up to {side} px on the short side{side === DEFAULT_KEEP_IMAGES.shortSide ? ' (default)' : ''}
                </option>
              ))}
              <option value="original">The original files, unchanged</option>
            </select>
            <span className="field-hint">
              {keep === 'original'
                ? 'Every file is stored as it is: largest, and the export gives back exactly what was imported.'
                : `Larger images are resized to ${keep} px on the short side (JPEG and WebP stay lossy, others become PNG); smaller ones are stored as they are.`}
            </span>
          </div>
          <div className="field field-narrow">
            <label htmlFor="imp-val">Validation share (%)</label>
            <input id="imp-val" type="number" min={0} max={50} step={1} value={valPct} disabled={running} aria-invalid={!valOk} onChange={(e) => setValPct(e.target.value)} />
          </div>
        </div>
        <div className="import-drop">
          <DropZone disabled={running} onFiles={addFiles} onBrowse={() => fileInput.current?.click()} hint={`${info.label}: ${info.needs.what}${info.folder ? ' and the images' : ''}`} />
          <div className="selected-files" data-testid="selected-files">
            {files.length ? (
              <>
                <div className="selected-head">
                  <span>
                    <strong>{fmtInt(files.length)}</strong> file{files.length === 1 ? '' : 's'} · {fmtMB(totalBytes)}
                  </span>
                  <button type="button" className="link-button" disabled={running} onClick={() => setFiles([])}>
                    Clear
                  </button>
                </div>
                <ul className="file-list">
                  {files.slice(0, 6).map((f) => (
                    <li key={fileKey(f)} title={f.webkitRelativePath || f.name}>
                      {truncate(f.webkitRelativePath || f.name, 60)}
                    </li>
                  ))}
                  {files.length > 6 ? <li className="muted">… and {fmtInt(files.length - 6)} more</li> : null}
                </ul>
                {missing ? <p className="field-warn">No {info.needs.what} among the files.</p> : null}
              </>
            ) : (
              <span className="muted">No files chosen.</span>
            )}
          </div>
        </div>
      </div>
      <div className="import-actions">
        <button type="button" className="btn btn-primary" disabled={blocker !== null} title={blocker ?? undefined} onClick={onImport}>
          Import
        </button>
        {blocker && !running ? <span className="muted import-blocker">{blocker}</span> : null}
      </div>
      <ImportStatus />
    </section>
  );
}
