// Where the playground's image comes from: a drawing, a file (dropped or picked), the dataset's
// validation images, or the camera; an image pasted anywhere in the view is used too. Whatever the
// source, the worker decodes and preprocesses it as the model was trained (centre crop, resize),
// and the preview shows exactly what the model sees.
import { useEffect, useRef, useState } from 'react';
import { DropZone } from '../../components/DropZone';
import { SampleImage } from '../../components/SampleImage';
import { loadSamples, tryDatasetImage, tryImageBlob } from '../../inferenceClient';
import { useTry } from '../../stores/tryStore';
import { CameraCapture } from './CameraCapture';
import { DrawCanvas } from './DrawCanvas';

type Source = 'draw' | 'file' | 'dataset' | 'camera';
const SOURCES: { id: Source; label: string }[] = [
  { id: 'draw', label: 'Draw' },
  { id: 'file', label: 'File' },
  { id: 'dataset', label: 'Dataset' },
  { id: 'camera', label: 'Camera' },
];
const PAGE = 48;

export function ImageInput() {
  const [source, setSource] = useState<Source>('draw');
  const model = useTry((s) => s.model);
  const image = useTry((s) => s.image);
  const imageError = useTry((s) => s.imageError);
  const samples = useTry((s) => s.samples);
  const picker = useRef<HTMLInputElement>(null);

  // Paste an image anywhere in the view (not into a text field).
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'TEXTAREA' || target.tagName === 'INPUT')) return;
      const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
      if (!file) return;
      e.preventDefault();
      void tryImageBlob(file, file.name || 'pasted image');
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, []);

  useEffect(() => {
    if (source === 'dataset' && model?.datasetStored && samples?.datasetId !== model.datasetId) void loadSamples(model.datasetId, 0, PAGE);
  }, [source, model?.datasetId, model?.datasetStored, samples?.datasetId]);

  const onFiles = (files: File[]) => {
    const f = files[0];
    if (f) void tryImageBlob(f, f.name);
  };

  return (
    <section className="card try-image" aria-label="Image">
      <div className="card-head">
        <h3 className="card-title">Image</h3>
        <span className="muted small">or paste one (Ctrl+V)</span>
      </div>
      <div className="seg" role="tablist" aria-label="Image source">
        {SOURCES.map((s) => (
          <button key={s.id} type="button" role="tab" aria-selected={source === s.id} className={`seg-button${source === s.id ? ' seg-on' : ''}`} onClick={() => setSource(s.id)}>
            {s.label}
          </button>
        ))}
      </div>
      <div className="try-source">
        {source === 'draw' ? <DrawCanvas background={model?.background ?? null} onDrawing={(b) => void tryImageBlob(b, 'drawing')} /> : null}
        {source === 'file' ? (
          <>
            <DropZone testId="image-drop" title="Drop an image here" hint="JPEG, PNG, WebP, GIF (first frame) or BMP, any size · or click to pick one" onFiles={onFiles} onBrowse={() => picker.current?.click()} />
            <input
              ref={picker}
              type="file"
              accept="image/*"
              hidden
              data-testid="image-picker"
              onChange={(e) => {
                onFiles([...(e.target.files ?? [])]);
                e.target.value = '';
              }}
            />
          </>
        ) : null}
        {source === 'dataset' ? (
          !model?.datasetStored ? (
            <p className="muted">{model ? `${model.datasetName} is not in storage: import it to pick its images.` : 'Choose a model first.'}</p>
          ) : samples ? (
            <>
              <div className="pick-grid" data-testid="validation-grid">
                {samples.samples.map((p) => (
                  <button key={p.index} type="button" className="sample-pick" title={p.caption} onClick={() => void tryDatasetImage(samples.datasetId, p.split, p.index)}>
                    <SampleImage rgb={p.rgb} size={samples.size} display={48} label={p.caption} />
                  </button>
                ))}
              </div>
              <div className="pager">
                <button type="button" className="link-button" disabled={(samples.samples[0]?.index ?? 0) === 0} onClick={() => void loadSamples(samples.datasetId, Math.max(0, (samples.samples[0]?.index ?? 0) - PAGE), PAGE)}>
                  ← previous
                </button>
                <span className="muted small">
                  {(samples.samples[0]?.index ?? 0) + 1}–{(samples.samples.at(-1)?.index ?? 0) + 1} of {samples.total}
                </span>
                <button type="button" className="link-button" disabled={(samples.samples.at(-1)?.index ?? 0) + 1 >= samples.total} onClick={() => void loadSamples(samples.datasetId, (samples.samples.at(-1)?.index ?? 0) + 1, PAGE)}>
                  next →
                </button>
              </div>
            </>
          ) : (
            <p className="muted">Reading the validation images…</p>
          )
        ) : null}
        {source === 'camera' ? <CameraCapture onFrame={(b) => void tryImageBlob(b, 'camera frame')} /> : null}
      </div>
      <div className="try-preview">
        {image ? (
          <>
            <SampleImage rgb={image.rgb} size={image.size} display={96} label={`What the model sees: ${image.label}`} />
            <div className="muted small" data-testid="image-label">
              What the model sees: {image.label}
              {image.original ? ` (${image.original.width}×${image.original.height} → ${image.size}×${image.size})` : ` (${image.size}×${image.size})`}
            </div>
          </>
        ) : (
          <span className="muted small">No image yet: draw, drop, pick or paste one.</span>
        )}
      </div>
      {imageError ? (
        <p className="field-error" role="alert" data-testid="image-error">
          {imageError}
        </p>
      ) : null}
    </section>
  );
}
