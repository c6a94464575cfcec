import type { PresetName } from '../../model/config';
import { fmtNum } from '../format';
import { useSettings } from '../stores/settingsStore';
import { modelProblems } from '../../config/validate';
import { NumberField } from './NumberField';

export function ModelSettings({ locked }: { locked: boolean }) {
  const preset = useSettings((s) => s.preset);
  const model = useSettings((s) => s.config.model);
  const setPreset = useSettings((s) => s.setPreset);
  const updateModel = useSettings((s) => s.updateModel);
  const img = model.image;
  const txt = model.text;
  const setImg = (patch: Partial<typeof img>) => updateModel((m) => ({ ...m, image: { ...m.image, ...patch } }));
  const setTxt = (patch: Partial<typeof txt>) => updateModel((m) => ({ ...m, text: { ...m.text, ...patch } }));
  const problems = modelProblems(model);
  const grid = img.imageSize % img.patchSize === 0 ? img.imageSize / img.patchSize : NaN;

  return (
    <fieldset className="panel-section">
      <legend>Model</legend>
      <div className="field field-wide">
        <label htmlFor="preset">Preset</label>
        <select id="preset" value={preset} disabled={locked} onChange={(e) => setPreset(e.target.value as PresetName)}>
          <option value="tiny">tiny (fast)</option>
          <option value="small">small (wider, deeper)</option>
        </select>
      </div>
      <details className="collapsible">
        <summary>Model architecture</summary>
        <h4 className="subhead">Image tower (ViT)</h4>
        <div className="field-grid">
          <NumberField id="m-img-size" label="Image size" value={img.imageSize} integer min={8} disabled={locked} onChange={(v) => setImg({ imageSize: v })} />
          <NumberField
            id="m-img-patch"
            label="Patch size"
            value={img.patchSize}
            integer
            min={1}
            disabled={locked}
            hint={Number.isFinite(grid) ? `${grid}×${grid} = ${grid * grid} patches` : undefined}
            onChange={(v) => setImg({ patchSize: v })}
          />
          <NumberField id="m-img-width" label="Image width" value={img.width} integer min={1} disabled={locked} onChange={(v) => setImg({ width: v })} />
          <NumberField id="m-img-layers" label="Image layers" value={img.layers} integer min={0} disabled={locked} onChange={(v) => setImg({ layers: v })} />
          <NumberField id="m-img-heads" label="Image heads" value={img.heads} integer min={1} disabled={locked} onChange={(v) => setImg({ heads: v })} />
          <NumberField id="m-img-mlp" label="Image MLP ratio" value={img.mlpRatio} min={0.25} disabled={locked} onChange={(v) => setImg({ mlpRatio: v })} />
          <div className="field">
            <label htmlFor="m-img-pool">Pooling</label>
            <select id="m-img-pool" value={img.pooling} disabled={locked} onChange={(e) => setImg({ pooling: e.target.value as 'cls' | 'mean' })}>
              <option value="mean">mean</option>
              <option value="cls">CLS token</option>
            </select>
          </div>
        </div>
        <h4 className="subhead">Text tower (Transformer)</h4>
        <div className="field-grid">
          <NumberField id="m-txt-ctx" label="Context length" value={txt.contextLength} integer min={3} disabled={locked} onChange={(v) => setTxt({ contextLength: v })} />
          <NumberField id="m-txt-vocab" label="Vocab size target" value={txt.vocabSize} integer min={32} disabled={locked} onChange={(v) => setTxt({ vocabSize: v })} />
          <NumberField id="m-txt-width" label="Text width" value={txt.width} integer min={1} disabled={locked} onChange={(v) => setTxt({ width: v })} />
          <NumberField id="m-txt-layers" label="Text layers" value={txt.layers} integer min={0} disabled={locked} onChange={(v) => setTxt({ layers: v })} />
          <NumberField id="m-txt-heads" label="Text heads" value={txt.heads} integer min={1} disabled={locked} onChange={(v) => setTxt({ heads: v })} />
          <NumberField id="m-txt-mlp" label="Text MLP ratio" value={txt.mlpRatio} min={0.25} disabled={locked} onChange={(v) => setTxt({ mlpRatio: v })} />
        </div>
        <h4 className="subhead">Joint space</h4>
        <div className="field-grid">
          <NumberField id="m-embed" label="Embedding dim" value={model.embedDim} integer min={1} disabled={locked} onChange={(v) => updateModel((m) => ({ ...m, embedDim: v }))} />
          <NumberField
            id="m-init-t"
            label="Initial t"
            title="Initial logit-scale parameter t; the temperature is s = exp t (CLIP: ln(1/0.07) ≈ 2.66)"
            value={model.initLogitScale}
            disabled={locked}
            hint={`s₀ = ${fmtNum(Math.exp(model.initLogitScale))}`}
            onChange={(v) => updateModel((m) => ({ ...m, initLogitScale: v }))}
          />
          <NumberField
            id="m-max-t"
            label="Max t"
            title="Upper clamp of t after each step (CLIP: ln 100 ≈ 4.61)"
            value={model.maxLogitScale}
            disabled={locked}
            hint={`s ≤ ${fmtNum(Math.exp(model.maxLogitScale))}`}
            onChange={(v) => updateModel((m) => ({ ...m, maxLogitScale: v }))}
          />
        </div>
      </details>
      {problems.length ? (
        <ul className="field-error" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
