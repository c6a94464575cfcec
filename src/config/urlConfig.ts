// The run config in the address bar, as the TensorFlow Playground does it: every field of the
// config is one query parameter (`?preset=tiny&batch=64&lr=0.002&…&seed=0`), so a link sets up the
// same run on another machine. Every field is written (a link does not depend on this version's
// defaults); numbers are written in JavaScript's shortest round-trip form, so decoding is exact.
// Decoding never fails: an unknown parameter or a bad value becomes a readable problem and that
// field keeps its default; a group that is inconsistent as a whole (e.g. image size not a multiple of
// the patch) falls back to the group's defaults. Pure: no DOM.
import { MODEL_PRESETS } from '../model/config';
import { DEFAULT_AUTOSAVE, DEFAULT_GAP_EVERY, OBJECTIVE_KINDS, defaultObjective, defaultTrainConfig } from './defaults';
import type { BackendChoice, ObjectiveConfig, ObjectiveKind, PresetName, TrainConfig } from './types';
import { computeProblems, modelProblems, objectiveProblems, optimProblems, shapesProblems } from './validate';

type Kind = 'int' | 'num' | 'bool' | 'text';

/** One query parameter ↔ one config field. */
interface Field {
  key: string;
  kind: Kind;
  get: (c: TrainConfig) => unknown;
  set: (c: TrainConfig, v: never) => void;
  /** Only for configs with this objective (its hyperparameters). */
  objective?: ObjectiveKind;
  /** Only for the Shapes world. */
  shapes?: boolean;
}

const f = <V>(key: string, kind: Kind, get: (c: TrainConfig) => V, set: (c: TrainConfig, v: V) => void, extra: Partial<Field> = {}): Field => ({
  key,
  kind,
  get,
  set: set as Field['set'],
  ...extra,
});

type Obj<K extends ObjectiveKind> = Extract<ObjectiveConfig, { kind: K }>;
const obj = <K extends ObjectiveKind>(c: TrainConfig) => c.objective as Obj<K>;
const shapes = (c: TrainConfig) => c.dataset as Extract<TrainConfig['dataset'], { kind: 'shapes' }>;

/** Every field but the selectors (preset, objective kind, dataset kind), in address-bar order. */
export const URL_FIELDS: readonly Field[] = [
  // compute
  f('batch', 'int', (c) => c.batchSize, (c, v: number) => (c.batchSize = v)),
  f('steps', 'int', (c) => c.steps, (c, v: number) => (c.steps = v)),
  f('seed', 'int', (c) => c.seed, (c, v: number) => (c.seed = v)),
  f('reportEvery', 'int', (c) => c.reportEvery, (c, v: number) => (c.reportEvery = v)),
  f('evalEvery', 'int', (c) => c.evalEvery, (c, v: number) => (c.evalEvery = v)),
  f('gapEvery', 'int', (c) => c.gapEvery ?? DEFAULT_GAP_EVERY, (c, v: number) => (c.gapEvery = v)),
  f('saveSteps', 'int', (c) => (c.autosave ?? DEFAULT_AUTOSAVE).everySteps, (c, v: number) => (c.autosave = { ...(c.autosave ?? DEFAULT_AUTOSAVE), everySteps: v })),
  f('saveSecs', 'num', (c) => (c.autosave ?? DEFAULT_AUTOSAVE).everySeconds, (c, v: number) => (c.autosave = { ...(c.autosave ?? DEFAULT_AUTOSAVE), everySeconds: v })),
  // optimiser
  f('lr', 'num', (c) => c.optim.lr, (c, v: number) => (c.optim.lr = v)),
  f('minLr', 'num', (c) => c.optim.minLr, (c, v: number) => (c.optim.minLr = v)),
  f('warmup', 'int', (c) => c.optim.warmupSteps, (c, v: number) => (c.optim.warmupSteps = v)),
  f('wd', 'num', (c) => c.optim.weightDecay, (c, v: number) => (c.optim.weightDecay = v)),
  f('beta1', 'num', (c) => c.optim.beta1, (c, v: number) => (c.optim.beta1 = v)),
  f('beta2', 'num', (c) => c.optim.beta2, (c, v: number) => (c.optim.beta2 = v)),
  f('eps', 'num', (c) => c.optim.eps, (c, v: number) => (c.optim.eps = v)),
  f('gradClip', 'num', (c) => c.optim.gradClip, (c, v: number) => (c.optim.gradClip = v)),
  // model
  f('imgSize', 'int', (c) => c.model.image.imageSize, (c, v: number) => (c.model.image.imageSize = v)),
  f('patch', 'int', (c) => c.model.image.patchSize, (c, v: number) => (c.model.image.patchSize = v)),
  f('imgWidth', 'int', (c) => c.model.image.width, (c, v: number) => (c.model.image.width = v)),
  f('imgLayers', 'int', (c) => c.model.image.layers, (c, v: number) => (c.model.image.layers = v)),
  f('imgHeads', 'int', (c) => c.model.image.heads, (c, v: number) => (c.model.image.heads = v)),
  f('imgMlp', 'num', (c) => c.model.image.mlpRatio, (c, v: number) => (c.model.image.mlpRatio = v)),
  f('pool', 'text', (c) => c.model.image.pooling, (c, v: string) => (c.model.image.pooling = v as 'cls' | 'mean')),
  f('vocab', 'int', (c) => c.model.text.vocabSize, (c, v: number) => (c.model.text.vocabSize = v)),
  f('ctx', 'int', (c) => c.model.text.contextLength, (c, v: number) => (c.model.text.contextLength = v)),
  f('txtWidth', 'int', (c) => c.model.text.width, (c, v: number) => (c.model.text.width = v)),
  f('txtLayers', 'int', (c) => c.model.text.layers, (c, v: number) => (c.model.text.layers = v)),
  f('txtHeads', 'int', (c) => c.model.text.heads, (c, v: number) => (c.model.text.heads = v)),
  f('txtMlp', 'num', (c) => c.model.text.mlpRatio, (c, v: number) => (c.model.text.mlpRatio = v)),
  f('embed', 'int', (c) => c.model.embedDim, (c, v: number) => (c.model.embedDim = v)),
  f('initT', 'num', (c) => c.model.initLogitScale, (c, v: number) => (c.model.initLogitScale = v)),
  f('maxT', 'num', (c) => c.model.maxLogitScale, (c, v: number) => (c.model.maxLogitScale = v)),
  // objectives' hyperparameters
  f('lambda', 'num', (c) => obj<'pospair'>(c).lambda, (c, v: number) => (obj<'pospair'>(c).lambda = v), { objective: 'pospair' }),
  f('sigT', 'num', (c) => obj<'siglip'>(c).initLogitScale, (c, v: number) => (obj<'siglip'>(c).initLogitScale = v), { objective: 'siglip' }),
  f('sigB', 'num', (c) => obj<'siglip'>(c).initBias, (c, v: number) => (obj<'siglip'>(c).initBias = v), { objective: 'siglip' }),
  f('inModal', 'num', (c) => obj<'cyclip'>(c).lambdaInModal, (c, v: number) => (obj<'cyclip'>(c).lambdaInModal = v), { objective: 'cyclip' }),
  f('crossModal', 'num', (c) => obj<'cyclip'>(c).lambdaCrossModal, (c, v: number) => (obj<'cyclip'>(c).lambdaCrossModal = v), { objective: 'cyclip' }),
  f('episode', 'int', (c) => obj<'protoclip'>(c).episodeSize, (c, v: number) => (obj<'protoclip'>(c).episodeSize = v), { objective: 'protoclip' }),
  f('K', 'int', (c) => obj<'protoclip'>(c).clusters, (c, v: number) => (obj<'protoclip'>(c).clusters = v), { objective: 'protoclip' }),
  f('kmIters', 'int', (c) => obj<'protoclip'>(c).kmeansIterations, (c, v: number) => (obj<'protoclip'>(c).kmeansIterations = v), { objective: 'protoclip' }),
  f('kmRestarts', 'int', (c) => obj<'protoclip'>(c).kmeansRestarts, (c, v: number) => (obj<'protoclip'>(c).kmeansRestarts = v), { objective: 'protoclip' }),
  f('headHidden', 'int', (c) => obj<'protoclip'>(c).headHidden, (c, v: number) => (obj<'protoclip'>(c).headHidden = v), { objective: 'protoclip' }),
  f('headOut', 'int', (c) => obj<'protoclip'>(c).headOut, (c, v: number) => (obj<'protoclip'>(c).headOut = v), { objective: 'protoclip' }),
  f('pbt', 'bool', (c) => obj<'protoclip'>(c).pbt, (c, v: boolean) => (obj<'protoclip'>(c).pbt = v), { objective: 'protoclip' }),
  f('teacher', 'bool', (c) => obj<'protoclip'>(c).teacher, (c, v: boolean) => (obj<'protoclip'>(c).teacher = v), { objective: 'protoclip' }),
  // the Shapes world (its image size and vocabulary follow the model)
  f('shapesSeed', 'int', (c) => shapes(c).seed, (c, v: number) => (shapes(c).seed = v), { shapes: true }),
  f('trainPairs', 'int', (c) => shapes(c).trainPairs, (c, v: number) => (shapes(c).trainPairs = v), { shapes: true }),
  f('valPairs', 'int', (c) => shapes(c).valPairs, (c, v: number) => (shapes(c).valPairs = v), { shapes: true }),
  f('twoObjects', 'num', (c) => shapes(c).twoObjectProb, (c, v: number) => (shapes(c).twoObjectProb = v), { shapes: true }),
  f('heldOut', 'text', (c) => shapes(c).heldOut.join(','), (c, v: string) => (shapes(c).heldOut = v ? v.split(',').map((x) => x.trim()) : []), { shapes: true }),
];

/** The selectors, decoded first: they decide which other fields exist. */
const SELECTORS = ['preset', 'objective', 'data', 'dataset', 'backend'] as const;
const BACKENDS: readonly BackendChoice[] = ['auto', 'webgpu', 'wasm', 'webgl', 'cpu'];

export interface UrlSettings {
  config: TrainConfig;
  /** Present only when the address names one ('auto' is not written). */
  backend?: BackendChoice;
}

export interface DecodedUrl extends UrlSettings {
  /** Readable problems (unknown parameters, bad values, inconsistent groups); empty when all was fine. */
  problems: string[];
  /** Whether the address carried any run settings at all. */
  present: boolean;
}

const fmt = (v: unknown): string => (typeof v === 'boolean' ? (v ? '1' : '0') : String(v));

/** The config (and a non-auto backend) as query parameters, every field present. */
export function encodeConfig(s: UrlSettings): URLSearchParams {
  const c = s.config;
  const p = new URLSearchParams();
  p.set('preset', c.preset);
  p.set('objective', c.objective.kind);
  if (c.dataset.kind === 'stored') {
    p.set('data', 'stored');
    p.set('dataset', c.dataset.id);
  } else p.set('data', 'shapes');
  for (const field of URL_FIELDS) {
    if (field.objective && field.objective !== c.objective.kind) continue;
    if (field.shapes && c.dataset.kind !== 'shapes') continue;
    p.set(field.key, fmt(field.get(c)));
  }
  if (s.backend && s.backend !== 'auto') p.set('backend', s.backend);
  return p;
}

function parseValue(kind: Kind, raw: string): { ok: true; value: unknown } | { ok: false; why: string } {
  const t = raw.trim();
  switch (kind) {
    case 'int': {
      const v = Number(t);
      return t !== '' && Number.isInteger(v) ? { ok: true, value: v } : { ok: false, why: 'is not a whole number' };
    }
    case 'num': {
      const v = Number(t);
      return t !== '' && Number.isFinite(v) ? { ok: true, value: v } : { ok: false, why: 'is not a number' };
    }
    case 'bool':
      if (['1', 'true', 'on', 'yes'].includes(t.toLowerCase())) return { ok: true, value: true };
      if (['0', 'false', 'off', 'no'].includes(t.toLowerCase())) return { ok: true, value: false };
      return { ok: false, why: 'is not on/off (1 or 0)' };
    case 'text':
      return { ok: true, value: t };
  }
}

const quote = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** The run settings of an address; never throws. `params` empty → the defaults, no problems. */
export function decodeConfig(params: URLSearchParams): DecodedUrl {
  const problems: string[] = [];
  const known = new Set<string>([...SELECTORS, ...URL_FIELDS.map((x) => x.key)]);
  const present = [...params.keys()].some((k) => known.has(k));

  const presetRaw = params.get('preset');
  let preset: PresetName = 'tiny';
  if (presetRaw !== null) {
    if (presetRaw in MODEL_PRESETS) preset = presetRaw as PresetName;
    else problems.push(`preset "${quote(presetRaw)}" is not one of ${Object.keys(MODEL_PRESETS).join(', ')}; using tiny`);
  }
  const config = defaultTrainConfig(preset);
  const defaults = defaultTrainConfig(preset);

  const objectiveRaw = params.get('objective');
  if (objectiveRaw !== null) {
    if ((OBJECTIVE_KINDS as readonly string[]).includes(objectiveRaw)) config.objective = defaultObjective(objectiveRaw as ObjectiveKind);
    else problems.push(`objective "${quote(objectiveRaw)}" is not one of ${OBJECTIVE_KINDS.join(', ')}; using clip`);
  }

  const dataRaw = params.get('data');
  const datasetId = params.get('dataset');
  if (dataRaw === 'stored') {
    if (datasetId) config.dataset = { kind: 'stored', id: datasetId };
    else problems.push('data=stored needs a dataset=… id; using the Shapes world');
  } else if (dataRaw !== null && dataRaw !== 'shapes') problems.push(`data "${quote(dataRaw)}" is not shapes or stored; using the Shapes world`);

  let backend: BackendChoice | undefined;
  const backendRaw = params.get('backend');
  if (backendRaw !== null) {
    if ((BACKENDS as readonly string[]).includes(backendRaw)) backend = backendRaw as BackendChoice;
    else problems.push(`backend "${quote(backendRaw)}" is not one of ${BACKENDS.join(', ')}; choosing automatically`);
  }

  const fields = new Map(URL_FIELDS.map((x) => [x.key, x]));
  for (const [key, raw] of params) {
    if ((SELECTORS as readonly string[]).includes(key)) continue;
    const field = fields.get(key);
    if (!field) {
      problems.push(`unknown parameter "${quote(key)}" ignored`);
      continue;
    }
    if (field.objective && field.objective !== config.objective.kind) {
      problems.push(`${key} belongs to the ${field.objective} objective, not ${config.objective.kind}; ignored`);
      continue;
    }
    if (field.shapes && config.dataset.kind !== 'shapes') {
      problems.push(`${key} is a Shapes-world setting; ignored for a stored dataset`);
      continue;
    }
    const parsed = parseValue(field.kind, raw);
    if (!parsed.ok) {
      problems.push(`${key}=${quote(raw)} ${parsed.why}; using the default ${fmt(field.get(config))}`);
      continue;
    }
    field.set(config, parsed.value as never);
  }

  // Groups that do not hold together fall back to their defaults, with the reason.
  const fallback = (group: string, found: string[], reset: () => void) => {
    if (!found.length) return;
    problems.push(`${group}: ${found.join('; ')}; using the default ${group}`);
    reset();
  };
  fallback('model', modelProblems(config.model), () => (config.model = structuredClone(defaults.model)));
  fallback('optimiser', optimProblems(config.optim), () => (config.optim = structuredClone(defaults.optim)));
  fallback('compute settings', computeProblems(config), () => {
    Object.assign(config, { batchSize: defaults.batchSize, steps: defaults.steps, seed: defaults.seed, reportEvery: defaults.reportEvery, evalEvery: defaults.evalEvery, gapEvery: defaults.gapEvery });
    config.autosave = structuredClone(defaults.autosave);
  });
  fallback('objective settings', objectiveProblems(config.objective, { batchSize: config.batchSize, maxLogitScale: config.model.maxLogitScale }), () => {
    config.objective = defaultObjective(config.objective.kind);
  });
  if (config.dataset.kind === 'shapes') fallback('Shapes world', shapesProblems(config.dataset, config.batchSize), () => (config.dataset = structuredClone(defaults.dataset)));
  // The Shapes world's image size and vocabulary target follow the model.
  if (config.dataset.kind === 'shapes') config.dataset = { ...config.dataset, imageSize: config.model.image.imageSize, vocabSize: config.model.text.vocabSize };
  return { config, ...(backend ? { backend } : {}), problems, present };
}
