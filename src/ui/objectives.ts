// How the UI names the training objectives (docs/methods.md §1–§5): names, one-line explanations,
// short labels and the labels of their loss components. Their config (defaults, checks) is in src/config.
import type { ObjectiveConfig, ObjectiveKind } from '../config/types';
import { fmtNum } from './format';

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
