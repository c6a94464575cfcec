// The test hook on `window.__clipLab` (e2e tests send commands and read the UI state).
import type { Command } from '../protocol/trainer';
import type { DataCommand } from '../protocol/data';
import type { DataState } from './dataStore';
import type { ModelsState } from './modelsStore';
import type { StoreState } from './store';

export interface ClipLabHook {
  /** Sends a command to the trainer worker. */
  send: (cmd: Command) => void;
  getState: () => StoreState;
  /** Sends a command to the data worker. */
  sendData: (cmd: DataCommand) => void;
  getDataState: () => DataState;
  /** The Models library store. */
  getModels: () => ModelsState;
}

declare global {
  interface Window {
    __clipLab?: Partial<ClipLabHook>;
  }
}
