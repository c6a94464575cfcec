// What the UI knows about the training objectives (methods.md §1–§4): names, defaults,
// one-line explanations, labels of their loss components. No tfjs here.
import type { ObjectiveConfig, ObjectiveKind, TrainConfig } from '../protocol/messages';
import { fmtNum } from './format';

export const OBJECTIVE_KINDS: readonly ObjectiveKind[] = ['clip', 'pospair', 'siglip', 'cyclip', 'protoclip'];

export const OBJECTIVE_NAMES: Record<ObjectiveKind, string> = {
  clip: 'CLIP (InfoNCE)',
  pospair: 'CLIP + positive-pair regulariser (Chen et al. 2024)',
  siglip: 'SigLIP (sigmoid)',
  cyclip: 'CyCLIP',
  protoclip: 'ProtoCLIP (prototypes, episodic)',
};

/** The formula of each objective in plain words (one line). */
export const OBJECTIVE_EXPLANATIONS: Record<ObjectiveKind, string> = {
  clip: 'Softmax over the batch, both ways: each image must pick its own caption among the B captions, and each caption its own image; the loss is the mean of the two cross-entropies.',
  pospair:
    'The CLIP loss plus λ × the mean squared distance ‖u_i − v_i‖² between each image and its own caption: it keeps pulling matching pairs together after the softmax has stopped pushing.',
  siglip:
    'Every image–caption pair is its own yes/no question: −log σ(±(s·S_ij + b)), “yes” for the matching pair and “no” for all others, summed per image; no softmax over the batch.',
  cyclip:
    'The CLIP loss plus λ1 × how much image–image and text–text similarities disagree (u_j·u_k vs v_j·v_k) plus λ2 × how asymmetric the image–text similarities are (u_j·v_k vs u_k·v_j).',
  protoclip:
    'Episodes: sample E pairs, cluster the image and text head features into K prototypes each, then train one pass with the CLIP loss plus: each image must pick the prototype of its caption’s cluster (translated into image space, PBT), and each caption its image’s. Episode 1 is CLIP-only warm-up.',
};

export const LN10 = Math.log(10);

export function defaultObjective(kind: ObjectiveKind): ObjectiveConfig {
  switch (kind) {
    case 'clip':
      return { kind: 'clip' };
    case 'pospair':
      return { kind: 'pospair', lambda: 0.1 };
    case 'siglip':
      return { kind: 'siglip', initLogitScale: LN10, initBias: -10 };
    case 'cyclip':
      return { kind: 'cyclip', lambdaInModal: 0.25, lambdaCrossModal: 0.25 };
    case 'protoclip':
      return { kind: 'protoclip', episodeSize: 2048, clusters: 0, kmeansIterations: 20, kmeansRestarts: 3, headHidden: 256, headOut: 64, pbt: true, teacher: false };
  }
}

function isKind(k: unknown): k is ObjectiveKind {
  return typeof k === 'string' && (OBJECTIVE_KINDS as readonly string[]).includes(k);
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** The objective of a config; configs from before objectives existed (or garbled ones) mean plain CLIP. */
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

/** Short form for run labels: "clip", "pospair λ=0.1", "siglip t=2.3 b=-10", "cyclip λ1=0.25 λ2=0.25". */
export function objectiveShort(o: ObjectiveConfig): string {
  switch (o.kind) {
    case 'clip':
      return 'clip';
    case 'pospair':
      return `pospair λ=${fmtNum(o.lambda, 3)}`;
    case 'siglip':
      return `siglip t=${fmtNum(o.initLogitScale, 3)} b=${fmtNum(o.initBias, 3)}`;
    case 'cyclip':
      return `cyclip λ1=${fmtNum(o.lambdaInModal, 3)} λ2=${fmtNum(o.lambdaCrossModal, 3)}`;
    case 'protoclip':
      return `protoclip E=${o.episodeSize} K=${o.clusters || 'E/10'}${o.pbt ? '' : ' no-PBT'}${o.teacher ? ' +teacher' : ''}`;
  }
}

/** Problems of the objective's hyperparameters (empty when fine). */
export function objectiveProblems(o: ObjectiveConfig): string[] {
  const out: string[] = [];
  const nonNeg = (v: number, what: string) => {
    if (!(Number.isFinite(v) && v >= 0)) out.push(`${what} must be a number ≥ 0`);
  };
  switch (o.kind) {
    case 'clip':
      break;
    case 'pospair':
      nonNeg(o.lambda, 'λ (positive-pair)');
      break;
    case 'siglip':
      if (!(Number.isFinite(o.initLogitScale) && o.initLogitScale >= 0 && o.initLogitScale <= Math.log(100) + 1e-9))
        out.push('the initial logit scale t must lie in [0, ln 100 ≈ 4.605]');
      if (!Number.isFinite(o.initBias)) out.push('the initial bias b must be a number');
      break;
    case 'cyclip':
      nonNeg(o.lambdaInModal, 'λ1 in-modal');
      nonNeg(o.lambdaCrossModal, 'λ2 cross-modal');
      break;
    case 'protoclip': {
      const int = (v: number, min: number, what: string) => {
        if (!(Number.isInteger(v) && v >= min)) out.push(`${what} must be a whole number ≥ ${min}`);
      };
      int(o.episodeSize, 2, 'Episode size');
      int(o.clusters, 0, 'Prototypes K');
      if (Number.isInteger(o.clusters) && o.clusters > o.episodeSize) out.push('Prototypes K must not exceed the episode size');
      int(o.kmeansIterations, 1, 'k-means iterations');
      int(o.kmeansRestarts, 1, 'k-means restarts');
      int(o.headHidden, 1, 'Head hidden');
      int(o.headOut, 1, 'Head output');
      break;
    }
  }
  return out;
}

/** Components that are extra scalars rather than loss terms (charted elsewhere). */
export const NON_LOSS_COMPONENTS: ReadonlySet<string> = new Set(['bias', 'protoAcc', 'protoScale']);

const COMPONENT_LABELS: Record<string, string> = {
  clip: 'CLIP InfoNCE',
  reg: 'λ·R positive-pair',
  siglip: 'sigmoid loss',
  inModal: 'λ1·in-modal',
  crossModal: 'λ2·cross-modal',
  bias: 'bias b',
  protoI2T: '½·L image→text prototypes',
  protoT2I: '½·L text→image prototypes',
  protoI2E: '½·L image→teacher prototypes',
  protoT2E: '½·L text→teacher prototypes',
  protoAcc: 'prototype accuracy',
  protoScale: 'prototype scale s_p',
};

export function componentLabel(name: string): string {
  return COMPONENT_LABELS[name] ?? name;
}
