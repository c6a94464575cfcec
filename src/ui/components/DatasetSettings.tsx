import { useStore } from '../store';
import { HeldOutField } from './HeldOutField';
import { NumberField } from './NumberField';

export function DatasetSettings({ locked }: { locked: boolean }) {
  const dataset = useStore((s) => s.config.dataset);
  const setConfig = useStore((s) => s.setConfig);
  const setDs = (patch: Partial<typeof dataset>) => setConfig((c) => ({ ...c, dataset: { ...c.dataset, ...patch } }));

  return (
    <fieldset className="panel-section">
      <legend>Dataset</legend>
      <div className="field field-wide">
        <label htmlFor="ds-kind">World</label>
        <select id="ds-kind" value={dataset.kind} disabled={locked} onChange={() => undefined}>
          <option value="shapes">Shapes world</option>
        </select>
      </div>
      <div className="field-grid">
        <NumberField
          id="ds-seed"
          label="World RNG"
          title="Random seed of the Shapes world generator (same seed → same images and captions)"
          value={dataset.seed}
          integer
          min={0}
          disabled={locked}
          onChange={(v) => setDs({ seed: v })}
        />
        <div className="field">
          <label htmlFor="ds-imagesize">Image size (px)</label>
          <input id="ds-imagesize" type="text" value={`${dataset.imageSize} × ${dataset.imageSize}`} readOnly disabled title="Set by the model's image size" />
        </div>
        <NumberField id="ds-train" label="Train pairs" value={dataset.trainPairs} integer min={1} disabled={locked} onChange={(v) => setDs({ trainPairs: v })} />
        <NumberField id="ds-val" label="Val pairs" value={dataset.valPairs} integer min={1} disabled={locked} onChange={(v) => setDs({ valPairs: v })} />
        <NumberField
          id="ds-twoobj"
          label="Two-object share"
          title="Probability that an image holds two shapes (and its caption names both)"
          value={dataset.twoObjectProb}
          min={0}
          max={1}
          step={0.05}
          disabled={locked}
          onChange={(v) => setDs({ twoObjectProb: v })}
        />
      </div>
      <HeldOutField value={dataset.heldOut} disabled={locked} onChange={(heldOut) => setDs({ heldOut })} />
    </fieldset>
  );
}
