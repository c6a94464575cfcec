import { BACKEND_NAMES, type BackendChoice } from '../../config/types';
import { useSettings } from '../stores/settingsStore';
import { useTelemetry } from '../stores/telemetryStore';
import { chooseBackend } from '../trainerClient';

const LABELS: Record<BackendChoice, string> = {
  auto: 'auto (benchmark)',
  webgpu: 'WebGPU',
  wasm: 'WebAssembly',
  webgl: 'WebGL',
  cpu: 'CPU (plain JS)',
};

export function BackendSelect({ locked }: { locked: boolean }) {
  const choice = useSettings((s) => s.backendChoice);
  const backend = useTelemetry((s) => s.backend);
  const candidates = backend?.candidates ?? [];

  return (
    <fieldset className="panel-section">
      <legend>Compute</legend>
      <div className="field field-wide">
        <label htmlFor="backend">Backend</label>
        <select id="backend" value={choice} disabled={locked} onChange={(e) => chooseBackend(e.target.value as BackendChoice)}>
          <option value="auto">{LABELS.auto}</option>
          {BACKEND_NAMES.map((name) => {
            const c = candidates.find((x) => x.name === name);
            const unavailable = c ? !c.available : false;
            return (
              <option key={name} value={name} disabled={unavailable} title={c?.note}>
                {LABELS[name]}
                {unavailable ? ' — unavailable' : ''}
              </option>
            );
          })}
        </select>
        <span className="field-hint">
          {backend ? (
            <>
              using <strong>{backend.active}</strong> · {backend.reason}
            </>
          ) : (
            'probing backends…'
          )}
        </span>
      </div>
    </fieldset>
  );
}
