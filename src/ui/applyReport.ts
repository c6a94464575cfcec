// Where each trainer report lands: one switch that routes it to the small store that owns it
// (telemetry, run history, errors, models, bench), and the one place a new run begins.
import type { TrainConfig } from '../config/types';
import type { Report } from '../protocol/trainer';
import { isBenchReport, useBench } from './stores/benchStore';
import { useDataStore } from './stores/dataStore';
import { useGap } from './stores/gapStore';
import { reportError } from './stores/errorsStore';
import { useHistory } from './stores/historyStore';
import { useModelsStore } from './stores/modelsStore';
import { useSettings } from './stores/settingsStore';
import { useTelemetry } from './stores/telemetryStore';

/** A new run on screen: fresh curves, and a record in the run history. */
export function beginRun(config: TrainConfig): void {
  useTelemetry.getState().beginRun(config);
  const stored = config.dataset.kind === 'stored' ? config.dataset.id : null;
  useHistory.getState().recordRunStart(config, stored ? useDataStore.getState().datasets.find((d) => d.id === stored)?.name : undefined);
}

export function applyReport(r: Report): void {
  if (isBenchReport(r)) return useBench.getState().applyBenchReport(r);
  const telemetry = useTelemetry.getState();
  const history = useHistory.getState();
  const models = useModelsStore.getState();
  switch (r.type) {
    case 'status':
      telemetry.applyStatus(r);
      history.recordStatus(r.state);
      return;
    case 'progress':
      return telemetry.applyProgress(r);
    case 'metrics':
      telemetry.applyMetrics(r);
      history.recordMetrics(r);
      return;
    case 'eval':
      telemetry.applyEval(r);
      history.recordEval(r);
      return;
    case 'gapProbe':
      return useGap.getState().addLive(r.runId, models.run?.id === r.runId ? models.run.name : 'this run', r.probe, r.snapshot);
    case 'backend':
      return telemetry.setBackend(r.info);
    case 'dataset':
      return telemetry.setDataset(r);
    case 'error':
      return reportError(r.message, r.context);
    case 'models':
      return models.applyModels(r);
    case 'checkpoint':
      models.applyCheckpoint(r);
      if (!r.ok && r.error) reportError(r.error, 'checkpoint');
      return;
    case 'modelImport':
      return models.applyImport(r);
    case 'modelFile':
      return models.exportDone(r.id);
    case 'run':
      models.setRun(r);
      if (r.resumedFrom !== null) {
        // A run loaded from a checkpoint: its settings become the sidebar's, and its history
        // (sent next as one metrics report) fills a fresh run record.
        useSettings.getState().replaceConfig(r.config);
        beginRun(r.config);
      }
      return;
  }
}
