// Small hooks that combine the run settings (store) with what the data worker knows (dataStore).
import { useMemo } from 'react';
import type { DatasetSummary } from '../protocol/data';
import { findDataset, useDataStore } from './stores/dataStore';
import { useSettings } from './stores/settingsStore';
import { configProblems } from '../config/validate';

/** Problems that block Start / Step, joined with "; " (empty when runnable). */
export function useConfigProblems(): string {
  const config = useSettings((s) => s.config);
  const datasets = useDataStore((s) => (s.datasetsLoaded ? s.datasets : null));
  const builtinPreparing = useDataStore((s) => s.builtin.wanted && s.builtin.status === 'preparing');
  return useMemo(() => configProblems(config, { datasets, builtinPreparing }).join('; '), [config, datasets, builtinPreparing]);
}

/** Summary of the stored dataset chosen for training (null for Shapes or when unknown). */
export function useChosenSummary(): DatasetSummary | null {
  const id = useSettings((s) => (s.config.dataset.kind === 'stored' ? s.config.dataset.id : null));
  const datasets = useDataStore((s) => s.datasets);
  return useMemo(() => findDataset(datasets, id), [datasets, id]);
}

/** Training pairs of the chosen dataset (NaN when not known yet). */
export function useTrainPairs(): number {
  const shapesPairs = useSettings((s) => (s.config.dataset.kind === 'shapes' ? s.config.dataset.trainPairs : null));
  const summary = useChosenSummary();
  return shapesPairs ?? summary?.trainPairs ?? NaN;
}
