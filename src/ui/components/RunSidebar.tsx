import { useSettings } from '../stores/settingsStore';
import { isBusy, useTelemetry } from '../stores/telemetryStore';
import { BackendSelect } from './BackendSelect';
import { DatasetSettings } from './DatasetSettings';
import { FineTuneSettings } from './FineTuneSettings';
import { ModelSettings } from './ModelSettings';
import { ObjectiveSettings } from './ObjectiveSettings';
import { OptimSettings } from './OptimSettings';

export function RunSidebar() {
  const locked = useTelemetry((s) => isBusy(s.status.state));
  const resetConfig = useSettings((s) => s.resetConfig);
  const fineTuning = useSettings((s) => s.config.init !== undefined);
  return (
    <aside className="sidebar" id="run-settings" aria-label="Run settings" tabIndex={-1}>
      <div className="sidebar-title">
        <h2>Run</h2>
        <button type="button" className="link-button" disabled={locked} onClick={resetConfig} title="Restore the default settings of the selected preset">
          Defaults
        </button>
      </div>
      {locked ? <p className="sidebar-note">Settings are locked while a run is active. Stop it to edit.</p> : null}
      <FineTuneSettings locked={locked} />
      <DatasetSettings locked={locked} />
      <ObjectiveSettings locked={locked} />
      {fineTuning ? null : <ModelSettings locked={locked} />}
      <OptimSettings locked={locked} />
      <BackendSelect locked={locked} />
    </aside>
  );
}
