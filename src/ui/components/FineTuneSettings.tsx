import { fmtDuration } from '../format';
import { useModelsStore } from '../stores/modelsStore';
import { useSettings } from '../stores/settingsStore';
import { useTelemetry } from '../stores/telemetryStore';
import { prepareRun } from '../trainerClient';

/**
 * The Run panel's fine-tuning section (when the run starts from a library model, config.init): what
 * it starts from, what trains (the whole model, or the projections and the temperature with the
 * towers frozen), and the time estimate — one step timed by the trainer before the first update.
 */
export function FineTuneSettings({ locked }: { locked: boolean }) {
  const init = useSettings((s) => s.config.init);
  const steps = useSettings((s) => s.config.steps);
  const setConfig = useSettings((s) => s.setConfig);
  const run = useModelsStore((s) => s.run);
  const backend = useTelemetry((s) => s.backend?.active ?? null);
  if (!init) return null;
  const estimate = run?.config.init?.modelId === init.modelId && run.step === 0 ? run.estimate : undefined;
  return (
    <fieldset className="panel-section" data-testid="fine-tune-settings">
      <legend>Fine-tune</legend>
      <p className="field-hint">
        Starts from <strong>{init.modelName}</strong>: its architecture, weights, tokenizer and preprocessing (the model settings below do not apply). The
        dataset's images are resized to its input.
      </p>
      <div className="field field-wide">
        <label htmlFor="ft-train">Train</label>
        <select
          id="ft-train"
          value={init.train}
          disabled={locked}
          onChange={(e) => setConfig((c) => ({ ...c, init: { ...init, train: e.target.value as 'all' | 'projections' } }))}
        >
          <option value="projections">projections + temperature</option>
          <option value="all">the whole model</option>
        </select>
        <span className="field-hint">{init.train === 'projections' ? 'The towers are frozen: only the projections and t get gradients (much faster).' : 'Every weight trains: slower, and it can forget what it knew.'}</span>
      </div>
      {backend && backend !== 'webgpu' ? (
        <p className="sidebar-note" role="note">
          On {backend} a large model trains slowly: prepare the run to time one step before starting.
        </p>
      ) : null}
      <div className="field-inline">
        <button type="button" className="btn btn-small" disabled={locked} onClick={prepareRun} title="Build the run and time one step (nothing is trained)">
          Prepare and estimate
        </button>
        <button type="button" className="link-button" disabled={locked} onClick={() => setConfig((c) => ({ ...c, init: undefined }))}>
          Train from scratch instead
        </button>
      </div>
      {estimate ? (
        <p className="field-hint" data-testid="fine-tune-estimate">
          About {(estimate.msPerStep / 1000).toFixed(estimate.msPerStep < 10_000 ? 1 : 0)} s a step on {estimate.backend}: {fmtDuration(estimate.totalMs / 1000)} for {steps} steps.
        </p>
      ) : null}
    </fieldset>
  );
}
