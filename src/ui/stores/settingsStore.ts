// The editable run settings: the run config (serialisable: it is what the address bar carries, see
// src/config/urlConfig.ts), the backend choice, and what the sidebar remembers while you switch
// (the Shapes settings while a stored dataset is chosen; each objective's last settings).
import { create } from 'zustand';
import { defaultObjective, defaultTrainConfig } from '../../config/defaults';
import { objectiveOf } from '../../config/objectiveOf';
import type { BackendChoice, ModelConfig, ObjectiveConfig, ObjectiveKind, PresetName, ShapesDatasetSpec, StoredDatasetSpec, TrainConfig } from '../../config/types';
import { MODEL_PRESETS } from '../../model/config';

export const BACKEND_STORAGE_KEY = 'clip-lab:backend';
const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'wasm', 'webgl', 'cpu'];

export interface SettingsState {
  config: TrainConfig;
  preset: PresetName;
  backendChoice: BackendChoice;
  /** The Shapes world settings, kept while a stored dataset is chosen (restored on switching back). */
  lastShapes: ShapesDatasetSpec;
  /** Last settings of each objective, restored when switching back to it. */
  objectiveMemory: Partial<Record<ObjectiveKind, ObjectiveConfig>>;

  setConfig: (update: (c: TrainConfig) => TrainConfig) => void;
  /** Replaces the whole config (a link opened, a run loaded); the preset follows it. */
  replaceConfig: (c: TrainConfig) => void;
  updateModel: (update: (m: ModelConfig) => ModelConfig) => void;
  setPreset: (p: PresetName) => void;
  /** Trains on the Shapes world again (with its last settings). */
  chooseShapes: () => void;
  /** Trains on a stored dataset (imported or built in). */
  chooseDataset: (spec: StoredDatasetSpec) => void;
  /** Switches the objective, restoring that objective's last settings (or its defaults). */
  setObjectiveKind: (kind: ObjectiveKind) => void;
  setObjective: (o: ObjectiveConfig) => void;
  resetConfig: () => void;
  setBackendChoice: (b: BackendChoice) => void;
}

export function loadBackendChoice(): BackendChoice {
  try {
    const v = globalThis.localStorage?.getItem(BACKEND_STORAGE_KEY);
    if (v && (BACKEND_CHOICES as readonly string[]).includes(v)) return v as BackendChoice;
  } catch {
    /* storage unavailable */
  }
  return 'auto';
}

function saveBackendChoice(b: BackendChoice): void {
  try {
    globalThis.localStorage?.setItem(BACKEND_STORAGE_KEY, b);
  } catch {
    /* storage unavailable */
  }
}

/** Keeps the Shapes fields that mirror the model (image size, vocab target) in sync. */
function syncShapes(d: ShapesDatasetSpec, model: ModelConfig): ShapesDatasetSpec {
  if (d.imageSize === model.image.imageSize && d.vocabSize === model.text.vocabSize) return d;
  return { ...d, imageSize: model.image.imageSize, vocabSize: model.text.vocabSize };
}

/** Stored datasets carry their own image size and tokenizer: only Shapes settings follow the model. */
function syncDataset(c: TrainConfig): TrainConfig {
  if (c.dataset.kind !== 'shapes') return c;
  const dataset = syncShapes(c.dataset, c.model);
  return dataset === c.dataset ? c : { ...c, dataset };
}

/** The new config plus the remembered Shapes settings (updated while Shapes is chosen). */
function withConfig(s: { lastShapes: ShapesDatasetSpec }, next: TrainConfig): { config: TrainConfig; lastShapes: ShapesDatasetSpec } {
  const config = syncDataset(next);
  return { config, lastShapes: config.dataset.kind === 'shapes' ? config.dataset : s.lastShapes };
}

const INITIAL_CONFIG = defaultTrainConfig('tiny');

export const useSettings = create<SettingsState>()((set) => ({
  config: INITIAL_CONFIG,
  preset: 'tiny',
  backendChoice: loadBackendChoice(),
  lastShapes: INITIAL_CONFIG.dataset as ShapesDatasetSpec,
  objectiveMemory: {},

  setConfig: (update) => set((s) => withConfig(s, update(s.config))),

  replaceConfig: (c) => set((s) => ({ ...withConfig(s, structuredClone(c)), preset: c.preset })),

  updateModel: (update) => set((s) => withConfig(s, { ...s.config, model: update(s.config.model) })),

  setPreset: (p) => set((s) => ({ preset: p, ...withConfig(s, { ...s.config, preset: p, model: structuredClone(MODEL_PRESETS[p]) }) })),

  chooseShapes: () =>
    set((s) => (s.config.dataset.kind === 'shapes' ? {} : withConfig(s, { ...s.config, dataset: syncShapes(s.lastShapes, s.config.model) }))),

  chooseDataset: (spec) => set((s) => withConfig(s, { ...s.config, dataset: { kind: 'stored', id: spec.id } })),

  setObjectiveKind: (kind) =>
    set((s) => {
      const current = objectiveOf(s.config);
      if (current.kind === kind) return {};
      const objectiveMemory = { ...s.objectiveMemory, [current.kind]: current };
      const objective = objectiveMemory[kind] ?? defaultObjective(kind);
      return { objectiveMemory, ...withConfig(s, { ...s.config, objective }) };
    }),

  setObjective: (objective) => set((s) => withConfig(s, { ...s.config, objective })),

  resetConfig: () =>
    set((s) => {
      const config = defaultTrainConfig(s.preset);
      return { config, lastShapes: config.dataset as ShapesDatasetSpec };
    }),

  setBackendChoice: (b) => {
    saveBackendChoice(b);
    set({ backendChoice: b });
  },
}));
