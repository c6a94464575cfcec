// The one set of run-config checks (src/config/validate.ts): the default is runnable, and each
// field with a bad value is named in a readable problem.
import { describe, expect, it } from 'vitest';
import { OBJECTIVE_KINDS, defaultObjective, defaultTrainConfig } from '../src/config/defaults';
import type { TrainConfig } from '../src/config/types';
import { configProblems, objectiveProblems } from '../src/config/validate';

type Edit = [name: string, edit: (c: TrainConfig) => void, problem: RegExp];

const EDITS: Edit[] = [
  ['batch 1', (c) => (c.batchSize = 1), /batch size .*whole number in \[2, 65536\]/],
  ['batch 2.5', (c) => (c.batchSize = 2.5), /batch size/],
  ['steps 0', (c) => (c.steps = 0), /steps must be a whole number/],
  ['seed −1', (c) => (c.seed = -1), /seed must be a whole number in \[0, 4294967295\]/],
  ['reportEvery 0', (c) => (c.reportEvery = 0), /report interval/],
  ['evalEvery −1', (c) => (c.evalEvery = -1), /evaluation interval/],
  ['autosave steps NaN', (c) => (c.autosave = { everySteps: NaN, everySeconds: 1 }), /auto-save steps/],
  ['autosave seconds −1', (c) => (c.autosave = { everySteps: 1, everySeconds: -1 }), /auto-save seconds/],
  ['lr 0', (c) => (c.optim.lr = 0), /learning rate must be positive/],
  ['minLr > lr', (c) => (c.optim.minLr = 1), /minimum learning rate must not exceed/],
  ['warmup 1.5', (c) => (c.optim.warmupSteps = 1.5), /warm-up steps/],
  ['weight decay −1', (c) => (c.optim.weightDecay = -1), /weight decay/],
  ['β1 1', (c) => (c.optim.beta1 = 1), /β1 must lie in \[0, 1\)/],
  ['β2 −0.1', (c) => (c.optim.beta2 = -0.1), /β2/],
  ['ε 0', (c) => (c.optim.eps = 0), /ε must be positive/],
  ['grad clip −1', (c) => (c.optim.gradClip = -1), /gradient clip/],
  ['image size 30 (patch 8)', (c) => (c.model.image.imageSize = 30), /image size 30 is not a multiple of patch size 8/],
  ['patch 0', (c) => (c.model.image.patchSize = 0), /patch size/],
  ['image heads 3 (width 64)', (c) => (c.model.image.heads = 3), /image width 64 is not divisible by 3 heads/],
  ['image layers 0', (c) => (c.model.image.layers = 0), /image layers/],
  ['image MLP 0', (c) => (c.model.image.mlpRatio = 0), /image MLP ratio/],
  ['pooling', (c) => ((c.model.image as { pooling: string }).pooling = 'max'), /pooling/],
  ['vocab 2', (c) => (c.model.text.vocabSize = 2), /vocabulary size/],
  ['context 2', (c) => (c.model.text.contextLength = 2), /context length/],
  ['text heads 5', (c) => (c.model.text.heads = 5), /text width 64 is not divisible by 5 heads/],
  ['text layers 0', (c) => (c.model.text.layers = 0), /text layers/],
  ['text MLP 100', (c) => (c.model.text.mlpRatio = 100), /text MLP ratio/],
  ['embed 0', (c) => (c.model.embedDim = 0), /embedding dimension/],
  ['init t above max', (c) => (c.model.initLogitScale = 9), /initial log-scale t/],
  ['max t NaN', (c) => (c.model.maxLogitScale = NaN), /maximum log-scale/],
  ['train pairs < batch', (c) => ((c.dataset as { trainPairs: number }).trainPairs = 10), /train pairs must be at least the batch size/],
  ['val pairs −1', (c) => ((c.dataset as { valPairs: number }).valPairs = -1), /validation pairs/],
  ['two-object 1.5', (c) => ((c.dataset as { twoObjectProb: number }).twoObjectProb = 1.5), /two-object share/],
  ['held-out pink blob', (c) => ((c.dataset as { heldOut: string[] }).heldOut = ['pink blob']), /held-out "pink blob" is not a colour and a shape/],
  ['Shapes seed 2^33', (c) => ((c.dataset as { seed: number }).seed = 2 ** 33), /Shapes seed/],
  ['stored without id', (c) => (c.dataset = { kind: 'stored', id: '' }), /no stored dataset is chosen/],
];

describe('configProblems', () => {
  it('the default config of each preset and objective is runnable', () => {
    for (const preset of ['tiny', 'small'] as const) {
      for (const kind of OBJECTIVE_KINDS) {
        const c = defaultTrainConfig(preset);
        c.objective = defaultObjective(kind);
        expect(configProblems(c), `${preset} ${kind}`).toEqual([]);
      }
    }
  });

  for (const [name, edit, problem] of EDITS) {
    it(`names the problem: ${name}`, () => {
      const c = defaultTrainConfig();
      edit(c);
      const problems = configProblems(c);
      expect(problems.some((p) => problem.test(p)), problems.join(' | ')).toBe(true);
    });
  }

  it('a stored dataset: missing from storage, too small, still being prepared', () => {
    const c = defaultTrainConfig();
    c.dataset = { kind: 'stored', id: 'a' };
    expect(configProblems(c)).toEqual([]);
    expect(configProblems(c, { datasets: [] })).toEqual(['the chosen dataset is not in the browser storage any more (choose another one)']);
    expect(configProblems(c, { datasets: [{ id: 'a', trainPairs: 10 }] })).toEqual(['the dataset has 10 training pairs, fewer than the batch size']);
    expect(configProblems(c, { datasets: [{ id: 'a', trainPairs: 100 }], builtinPreparing: true })).toEqual(['the chosen built-in dataset is still being prepared']);
  });
});

describe('objectiveProblems', () => {
  it('each objective: bad hyperparameters are named', () => {
    expect(objectiveProblems({ kind: 'pospair', lambda: -1 })).toEqual(['λ (positive-pair) must be a number ≥ 0']);
    expect(objectiveProblems({ kind: 'siglip', initLogitScale: 5, initBias: NaN })).toEqual(['the initial logit scale t must lie in [0, 4.605]', 'the initial bias b must be a number']);
    expect(objectiveProblems({ kind: 'siglip', initLogitScale: 2, initBias: 0 }, { maxLogitScale: 1 })).toEqual(['the initial logit scale t must lie in [0, 1.000]']);
    expect(objectiveProblems({ kind: 'cyclip', lambdaInModal: -1, lambdaCrossModal: Infinity })).toEqual(['λ1 in-modal must be a number ≥ 0', 'λ2 cross-modal must be a number ≥ 0']);
    const p = { ...(defaultObjective('protoclip') as Extract<TrainConfig['objective'], { kind: 'protoclip' }>) };
    expect(objectiveProblems({ ...p, clusters: 5000 })).toEqual(['Prototypes K must not exceed the episode size']);
    expect(objectiveProblems(p, { batchSize: 4096 })).toEqual(['the ProtoCLIP episode size must be at least the batch size']);
    expect(objectiveProblems({ ...p, kmeansIterations: 0, headOut: 1.5 })).toEqual(['k-means iterations must be a whole number ≥ 1', 'Head output must be a whole number ≥ 1']);
    expect(objectiveProblems({ kind: 'nope' } as unknown as TrainConfig['objective'])).toEqual(['unknown objective "nope"']);
  });
});
