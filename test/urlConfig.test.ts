// The run config in the address bar: every field survives encode → decode exactly, and a bad or
// unknown parameter becomes a readable problem with that field (or its group) at the default.
import { describe, expect, it } from 'vitest';
import { OBJECTIVE_KINDS, defaultObjective, defaultTrainConfig } from '../src/config/defaults';
import type { TrainConfig } from '../src/config/types';
import { URL_FIELDS, decodeConfig, encodeConfig } from '../src/config/urlConfig';

const roundTrip = (config: TrainConfig, backend?: 'wasm') => decodeConfig(new URLSearchParams(encodeConfig({ config, backend }).toString()));

/** A config where every field differs from its default (and is still valid). */
function changed(kind: TrainConfig['objective']['kind']): TrainConfig {
  const c = defaultTrainConfig('small');
  Object.assign(c, { batchSize: 48, steps: 777, seed: 4_000_000_001, reportEvery: 7, evalEvery: 33, gapEvery: 17, autosave: { everySteps: 11, everySeconds: 12.5 } });
  c.optim = { lr: 0.0031415, minLr: 1.5e-5, warmupSteps: 17, weightDecay: 0.05, beta1: 0.85, beta2: 0.995, eps: 1e-8, gradClip: 0 };
  c.model = {
    image: { imageSize: 48, patchSize: 6, width: 96, layers: 3, heads: 3, mlpRatio: 2.5, pooling: 'mean' },
    text: { vocabSize: 300, contextLength: 20, width: 72, layers: 1, heads: 6, mlpRatio: 3 },
    embedDim: 40,
    initLogitScale: 1 / 3,
    maxLogitScale: Math.log(50),
  };
  c.objective = {
    clip: { kind: 'clip' as const },
    pospair: { kind: 'pospair' as const, lambda: 0.37 },
    siglip: { kind: 'siglip' as const, initLogitScale: 1.25, initBias: -7.5 },
    cyclip: { kind: 'cyclip' as const, lambdaInModal: 0.1, lambdaCrossModal: 0.6 },
    protoclip: { kind: 'protoclip' as const, episodeSize: 960, clusters: 24, kmeansIterations: 5, kmeansRestarts: 2, headHidden: 64, headOut: 16, pbt: false, teacher: true },
  }[kind];
  c.dataset = { kind: 'shapes', seed: 9, imageSize: 48, trainPairs: 3000, valPairs: 250, heldOut: ['green circle', 'white heart'], twoObjectProb: 0.55, vocabSize: 300 };
  return c;
}

describe('URL config round trip', () => {
  it('the default config survives exactly, with no problems', () => {
    const c = defaultTrainConfig();
    const d = roundTrip(c);
    expect(d.problems).toEqual([]);
    expect(d.config).toEqual(c);
    expect(d.present).toBe(true);
  });

  for (const kind of OBJECTIVE_KINDS) {
    it(`every field of a ${kind} config survives exactly (numbers bit for bit)`, () => {
      const c = changed(kind);
      const d = roundTrip(c, 'wasm');
      expect(d.problems).toEqual([]);
      expect(d.config).toEqual(c);
      expect(d.backend).toBe('wasm');
      // Each field really travels: the encoded form has a parameter per field of this config.
      const p = encodeConfig({ config: c });
      for (const f of URL_FIELDS) if (!f.objective || f.objective === kind) expect(p.has(f.key), f.key).toBe(true);
    });
  }

  it('every field differs from the default in the test config (so a lost field would show)', () => {
    for (const kind of OBJECTIVE_KINDS) {
      const c = changed(kind);
      const d = defaultTrainConfig('small');
      d.objective = defaultObjective(kind);
      for (const f of URL_FIELDS) if ((!f.objective || f.objective === kind) && f.key !== 'heldOut') expect(f.get(c), `${kind} ${f.key}`).not.toEqual(f.get(d));
    }
  });

  it('a stored dataset travels by id; Shapes fields are not written for it', () => {
    const c = defaultTrainConfig();
    c.dataset = { kind: 'stored', id: 'ds-abc 1/2' };
    const p = encodeConfig({ config: c });
    expect(p.get('data')).toBe('stored');
    expect(p.has('trainPairs')).toBe(false);
    const d = roundTrip(c);
    expect(d.problems).toEqual([]);
    expect(d.config.dataset).toEqual({ kind: 'stored', id: 'ds-abc 1/2' });
  });

  it('no parameters: the defaults, no problems, nothing present', () => {
    const d = decodeConfig(new URLSearchParams(''));
    expect(d).toEqual({ config: defaultTrainConfig(), problems: [], present: false });
  });

  it('a partial link changes only what it names', () => {
    const d = decodeConfig(new URLSearchParams('batch=32&lr=0.01&objective=siglip&sigB=-5'));
    expect(d.problems).toEqual([]);
    const want = defaultTrainConfig();
    want.batchSize = 32;
    want.optim.lr = 0.01;
    want.objective = { ...defaultObjective('siglip'), initBias: -5 } as TrainConfig['objective'];
    expect(d.config).toEqual(want);
  });
});

describe('URL config: bad input', () => {
  const decode = (q: string) => decodeConfig(new URLSearchParams(q));

  it('a value that does not parse keeps the default and says so', () => {
    const d = decode('batch=lots&lr=fast&pbt=maybe&objective=protoclip&steps=1.5');
    expect(d.config.batchSize).toBe(64);
    expect(d.config.optim.lr).toBe(2e-3);
    expect(d.config.steps).toBe(1500);
    expect((d.config.objective as { pbt: boolean }).pbt).toBe(true);
    expect(d.problems).toEqual([
      'batch=lots is not a whole number; using the default 64',
      'lr=fast is not a number; using the default 0.002',
      'pbt=maybe is not on/off (1 or 0); using the default 1',
      'steps=1.5 is not a whole number; using the default 1500',
    ]);
  });

  it('unknown parameters, selectors and misplaced fields are named and ignored', () => {
    const d = decode('foo=1&preset=huge&objective=magic&data=cloud&backend=tpu&lambda=0.5');
    expect(d.config).toEqual(defaultTrainConfig());
    expect(d.problems).toEqual([
      'preset "huge" is not one of tiny, small; using tiny',
      'objective "magic" is not one of clip, pospair, siglip, cyclip, protoclip; using clip',
      'data "cloud" is not shapes or stored; using the Shapes world',
      'backend "tpu" is not one of auto, webgpu, wasm, webgl, cpu; choosing automatically',
      'unknown parameter "foo" ignored',
      'lambda belongs to the pospair objective, not clip; ignored',
    ]);
  });

  it('values out of range fall back per group, with the reason', () => {
    const d = decode('patch=7&lr=-1&batch=1&objective=cyclip&inModal=-2&heldOut=pink%20blob&twoObjects=2');
    const def = defaultTrainConfig();
    expect(d.config.model).toEqual(def.model);
    expect(d.config.optim).toEqual(def.optim);
    expect(d.config.batchSize).toBe(64);
    expect(d.config.objective).toEqual(defaultObjective('cyclip'));
    expect(d.config.dataset).toEqual(def.dataset);
    expect(d.problems).toHaveLength(5);
    expect(d.problems[0]).toMatch(/^model: image size 32 is not a multiple of patch size 7; using the default model$/);
    expect(d.problems[1]).toMatch(/^optimiser: learning rate must be positive/);
    expect(d.problems[2]).toMatch(/^compute settings: batch size .* must be a whole number in \[2, 65536\]/);
    expect(d.problems[3]).toMatch(/^objective settings: λ1 in-modal must be a number ≥ 0/);
    expect(d.problems[4]).toMatch(/^Shapes world: .*two-object share.*held-out "pink blob"|^Shapes world: .*held-out "pink blob".*/);
  });

  it('data=stored without an id keeps the Shapes world', () => {
    const d = decode('data=stored');
    expect(d.config.dataset.kind).toBe('shapes');
    expect(d.problems).toEqual(['data=stored needs a dataset=… id; using the Shapes world']);
  });

  it('hostile input never throws', () => {
    for (const q of ['%', '=&=&', 'batch=1e400', 'seed=-1', 'heldOut=' + 'x'.repeat(10000), 'imgSize=1e9', 'eps=0', 'maxT=NaN']) {
      expect(() => decode(q), q).not.toThrow();
      const d = decode(q);
      expect(d.config.batchSize).toBeGreaterThanOrEqual(2);
    }
    expect(decode('seed=-1').problems[0]).toMatch(/seed/);
  });
});
