// What the UI knows about the training objectives (methods.md §1–§4): names, defaults,
// one-line explanations, labels of their loss components. No tfjs here.
import type { ObjectiveConfig, ObjectiveKind, TrainConfig } from '../protocol/messages';
import { fmtNum } from './format';

export const OBJECTIVE_KINDS: readonly ObjectiveKind[] = ['clip', 'pospair', 'siglip', 'cyclip'];

export const OBJECTIVE_NAMES: Record<ObjectiveKind, string> = {
  clip: 'CLIP (InfoNCE)',
  pospair: 'CLIP + positive-pair regulariser (Chen et al. 2024)',
  siglip: 'SigLIP (sigmoid)',
  cyclip: 'CyCLIP',
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
  }
  return out;
}

/** Components that are extra scalars rather than loss terms (charted elsewhere). */
export const NON_LOSS_COMPONENTS: ReadonlySet<string> = new Set(['bias']);

const COMPONENT_LABELS: Record<string, string> = {
  clip: 'CLIP InfoNCE',
  reg: 'λ·R positive-pair',
  siglip: 'sigmoid loss',
  inModal: 'λ1·in-modal',
  crossModal: 'λ2·cross-modal',
  bias: 'bias b',
};

export function componentLabel(name: string): string {
  return COMPONENT_LABELS[name] ?? name;
}
