// Reading an objective out of a config of unknown age: configs saved before objectives existed (run
// history, checkpoints) have none and mean plain CLIP; a missing or garbled field takes its default.
import { OBJECTIVE_KINDS, defaultObjective } from './defaults';
import type { ObjectiveConfig, ObjectiveKind, TrainConfig } from './types';

function isKind(k: unknown): k is ObjectiveKind {
  return typeof k === 'string' && (OBJECTIVE_KINDS as readonly string[]).includes(k);
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** The objective of a config, every field present (old configs → CLIP). */
export function objectiveOf(c: Pick<TrainConfig, 'objective'> | { objective?: unknown } | null | undefined): ObjectiveConfig {
  const o = (c as { objective?: unknown } | null | undefined)?.objective as Partial<Record<string, unknown>> | undefined;
  if (!o || !isKind(o.kind)) return { kind: 'clip' };
  const d = defaultObjective(o.kind);
  switch (d.kind) {
    case 'clip':
      return d;
    case 'pospair':
      return { kind: 'pospair', lambda: num(o.lambda, d.lambda) };
    case 'siglip':
      return { kind: 'siglip', initLogitScale: num(o.initLogitScale, d.initLogitScale), initBias: num(o.initBias, d.initBias) };
    case 'cyclip':
      return { kind: 'cyclip', lambdaInModal: num(o.lambdaInModal, d.lambdaInModal), lambdaCrossModal: num(o.lambdaCrossModal, d.lambdaCrossModal) };
    case 'protoclip':
      return {
        kind: 'protoclip',
        episodeSize: num(o.episodeSize, d.episodeSize),
        clusters: num(o.clusters, d.clusters),
        kmeansIterations: num(o.kmeansIterations, d.kmeansIterations),
        kmeansRestarts: num(o.kmeansRestarts, d.kmeansRestarts),
        headHidden: num(o.headHidden, d.headHidden),
        headOut: num(o.headOut, d.headOut),
        pbt: typeof o.pbt === 'boolean' ? o.pbt : d.pbt,
        teacher: typeof o.teacher === 'boolean' ? o.teacher : d.teacher,
      };
  }
}

/** A config with its objective filled in (old configs → CLIP). */
export function withObjective<T extends TrainConfig>(c: T): T {
  const objective = objectiveOf(c);
  return c.objective && JSON.stringify(c.objective) === JSON.stringify(objective) ? c : { ...c, objective };
}
