import type { ShapesDatasetSpec } from '../../config/types';
import { useSettings } from '../stores/settingsStore';
import { HeldOutField } from './HeldOutField';
import { NumberField } from './NumberField';

/** Settings of the generated Shapes world (shown only while it is the chosen dataset). */
export function ShapesSettings({ dataset, locked }: { dataset: ShapesDatasetSpec; locked: boolean }) {
  const setConfig = useSettings((s) => s.setConfig);
  const setDs = (patch: Partial<Omit<ShapesDatasetSpec, 'kind'>>) =>
    setConfig((c) => (c.dataset.kind === 'shapes' ? { ...c, dataset: { ...c.dataset, ...patch } } : c));

  return (
    <>
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
    </>
  );
}
