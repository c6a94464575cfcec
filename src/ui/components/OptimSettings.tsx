import { DEFAULT_AUTOSAVE, DEFAULT_GAP_EVERY } from '../../config/defaults';
import type { AutosaveConfig, OptimConfig } from '../../config/types';
import { useTrainPairs } from '../hooks';
import { useSettings } from '../stores/settingsStore';
import { NumberField } from './NumberField';

export function OptimSettings({ locked }: { locked: boolean }) {
  const config = useSettings((s) => s.config);
  const setConfig = useSettings((s) => s.setConfig);
  const { optim } = config;
  const setOptim = (patch: Partial<OptimConfig>) => setConfig((c) => ({ ...c, optim: { ...c.optim, ...patch } }));
  const autosave = config.autosave ?? DEFAULT_AUTOSAVE;
  const setAutosave = (patch: Partial<AutosaveConfig>) => setConfig((c) => ({ ...c, autosave: { ...(c.autosave ?? DEFAULT_AUTOSAVE), ...patch } }));
  const trainPairs = useTrainPairs();
  const epochs = trainPairs > 0 ? (config.steps * config.batchSize) / trainPairs : NaN;

  return (
    <fieldset className="panel-section">
      <legend>Optimisation</legend>
      <div className="field-grid">
        <NumberField
          id="opt-batch"
          label="Batch size"
          title="Pairs per step; each image is contrasted against the other B − 1 captions"
          value={config.batchSize}
          integer
          min={2}
          disabled={locked}
          onChange={(v) => setConfig((c) => ({ ...c, batchSize: v }))}
        />
        <NumberField
          id="opt-steps"
          label="Steps"
          value={config.steps}
          integer
          min={1}
          disabled={locked}
          hint={Number.isFinite(epochs) ? `≈ ${epochs.toFixed(1)} epochs` : undefined}
          onChange={(v) => setConfig((c) => ({ ...c, steps: v }))}
        />
        <NumberField id="opt-lr" label="Learning rate" title="Peak AdamW learning rate (after warm-up)" value={optim.lr} min={0} disabled={locked} onChange={(v) => setOptim({ lr: v })} />
        <NumberField id="opt-minlr" label="Min LR" title="Final learning rate of the cosine decay" value={optim.minLr} min={0} disabled={locked} onChange={(v) => setOptim({ minLr: v })} />
        <NumberField id="opt-warmup" label="Warm-up steps" title="Linear warm-up from 0 to the learning rate" value={optim.warmupSteps} integer min={0} disabled={locked} onChange={(v) => setOptim({ warmupSteps: v })} />
        <NumberField id="opt-wd" label="Weight decay" title="Decoupled (AdamW) weight decay" value={optim.weightDecay} min={0} disabled={locked} onChange={(v) => setOptim({ weightDecay: v })} />
        <NumberField id="opt-clip" label="Grad clip" title="Global-norm gradient clip; 0 disables" value={optim.gradClip} min={0} disabled={locked} onChange={(v) => setOptim({ gradClip: v })} />
        <NumberField id="opt-seed" label="Seed" title="Seed of the model initialisation and batch order" value={config.seed} integer min={0} disabled={locked} onChange={(v) => setConfig((c) => ({ ...c, seed: v }))} />
        <NumberField
          id="opt-eval"
          label="Eval every"
          title="Steps between evaluations (zero-shot accuracy, modality gap, similarity); 0 = only at the end"
          value={config.evalEvery}
          integer
          min={0}
          disabled={locked}
          onChange={(v) => setConfig((c) => ({ ...c, evalEvery: v }))}
        />
        <NumberField
          id="opt-gap"
          label="Gap every"
          title="Steps between recordings of the gap lab's probe set (256 validation pairs, embedded and measured; step 0 and the last step always); 0 = those two only"
          value={config.gapEvery ?? DEFAULT_GAP_EVERY}
          integer
          min={0}
          disabled={locked}
          onChange={(v) => setConfig((c) => ({ ...c, gapEvery: v }))}
        />
        <NumberField
          id="opt-report"
          label="Report every"
          title="Steps between metric reports from the worker"
          value={config.reportEvery}
          integer
          min={1}
          disabled={locked}
          onChange={(v) => setConfig((c) => ({ ...c, reportEvery: v }))}
        />
      </div>
      <div className="field-grid">
        <NumberField
          id="opt-save-steps"
          label="Auto-save every (steps)"
          title="A checkpoint every N steps (also on Pause and Stop); 0 turns the step trigger off"
          value={autosave.everySteps}
          integer
          min={0}
          disabled={locked}
          onChange={(v) => setAutosave({ everySteps: v })}
        />
        <NumberField
          id="opt-save-seconds"
          label="Auto-save every (s)"
          title="A checkpoint after this many seconds since the last one; 0 turns the time trigger off"
          value={autosave.everySeconds}
          integer
          min={0}
          disabled={locked}
          onChange={(v) => setAutosave({ everySeconds: v })}
        />
      </div>
      <details className="collapsible">
        <summary>AdamW moments</summary>
        <div className="field-grid">
          <NumberField id="opt-b1" label="β1" value={optim.beta1} min={0} max={1} disabled={locked} onChange={(v) => setOptim({ beta1: v })} />
          <NumberField id="opt-b2" label="β2" value={optim.beta2} min={0} max={1} disabled={locked} onChange={(v) => setOptim({ beta2: v })} />
          <NumberField id="opt-eps" label="ε" value={optim.eps} min={0} disabled={locked} onChange={(v) => setOptim({ eps: v })} />
        </div>
      </details>
    </fieldset>
  );
}
