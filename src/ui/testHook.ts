// The test hook on `window.__clipLab`, installed only in the test build (`__TEST_HOOKS__`): the
// browser tests and benchmarks send commands and read the UI state through it. `getState()` is one
// merged view of the small stores (settings, telemetry, history, errors, bench) plus the route.
import type { DataCommand } from '../protocol/data';
import type { InferenceCommand, InferenceReport } from '../protocol/inference';
import { useTry, type TryState } from './stores/tryStore';
import type { Command, Report } from '../protocol/trainer';
import { applyReport, beginRun } from './applyReport';
import { useBench } from './stores/benchStore';
import { useDataStore, type DataState } from './stores/dataStore';
import { useErrors } from './stores/errorsStore';
import { useGap, type GapState } from './stores/gapStore';
import { useHistory } from './stores/historyStore';
import { useModelsStore, type ModelsState } from './stores/modelsStore';
import { useRoute } from './stores/routeStore';
import { useSettings } from './stores/settingsStore';
import { useTelemetry } from './stores/telemetryStore';

export interface ClipLabHook {
  /** Sends a command to the trainer worker. */
  send: (cmd: Command) => void;
  /** Sends a request (a command with a requestId) and resolves with its answer. */
  request: (cmd: Command & { requestId: string }) => Promise<Report>;
  getState: () => Record<string, unknown>;
  /** Sends a command to the data worker. */
  sendData: (cmd: DataCommand) => void;
  getDataState: () => DataState;
  /** The Models library store. */
  getModels: () => ModelsState;
  /** The Try view's store, and requests to the inference worker. */
  getTry: () => TryState;
  inferenceRequest: (cmd: InferenceCommand & { requestId: string }) => Promise<InferenceReport>;
  /** The gap lab's recordings. */
  getGap: () => GapState;
}

declare global {
  interface Window {
    __clipLab?: Partial<ClipLabHook>;
  }
}

function mergedState(): Record<string, unknown> {
  const route = useRoute.getState();
  return {
    ...useSettings.getState(),
    ...useTelemetry.getState(),
    ...useHistory.getState(),
    ...useErrors.getState(),
    ...useBench.getState(),
    view: route.view,
    setView: route.navigate,
    beginRun,
    applyReport,
  };
}

export function installTestHook(part: Partial<ClipLabHook>): void {
  window.__clipLab = { ...window.__clipLab, getState: mergedState, getDataState: () => useDataStore.getState(), getModels: () => useModelsStore.getState(), getTry: () => useTry.getState(), getGap: () => useGap.getState(), ...part };
}
