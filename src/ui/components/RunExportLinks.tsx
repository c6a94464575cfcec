import { exportFileName } from '../chartExport';
import { downloadBlob } from '../download';
import { runMetricsCsv, runMetricsJson } from '../runExport';
import { useTelemetry } from '../stores/telemetryStore';

/** "Run metrics: CSV · JSON" — the whole run on screen as a file (every step, every evaluation). */
export function RunExportLinks() {
  const hasData = useTelemetry((s) => s.metrics.length > 0 || s.evals.length > 0);
  const name = () => {
    const c = useTelemetry.getState().runConfig;
    return `run-${c ? `${c.objective.kind}-seed-${c.seed}` : 'metrics'}`;
  };
  const csv = () => {
    const s = useTelemetry.getState();
    downloadBlob(new Blob([runMetricsCsv(s.metrics, s.evals)], { type: 'text/csv' }), exportFileName(name(), 'csv'));
  };
  const json = () => {
    const s = useTelemetry.getState();
    downloadBlob(new Blob([runMetricsJson(s.runConfig, s.metrics, s.evals)], { type: 'application/json' }), exportFileName(name(), 'json'));
  };
  return (
    <div className="run-export" data-testid="run-export">
      <span>Run metrics:</span>
      <button type="button" className="link-button" disabled={!hasData} onClick={csv} title="Every step's metrics and every evaluation as CSV">
        CSV
      </button>
      <button type="button" className="link-button" disabled={!hasData} onClick={json} title="The run's config, every step's metrics and every evaluation as JSON">
        JSON
      </button>
    </div>
  );
}
