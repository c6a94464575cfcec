// The model file's checks (src/train/modelFile.ts), Node, tfjs cpu: one valid file from a small
// CLIP run (2 steps), then variants rebuilt with writeSafetensors, each refused by
// readModelFileInfo / checkModelTensors with a SafetensorsError "<file>: <reason>" that names the
// problem; a weights-only file passes as such; fileTensorLoader gives back the run's values.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTensor } from '../src/model/files/safetensorsCodec';
import type { SafetensorsDtype } from '../src/model/files/safetensorsFormat';
import { SafetensorsError, bytesSource, readSafetensorsHeader, readTensorBytes } from '../src/model/files/safetensorsReader';
import { writeSafetensors } from '../src/model/files/safetensorsWriter';
import {
  MODEL_FILE_FORMAT,
  checkModelTensors,
  fileTensorLoader,
  isResumeTensor,
  planModelFile,
  readModelFileInfo,
  type ModelFileInfo,
} from '../src/train/modelFile';
import { Run } from '../src/train/run';
import { RUN_FORMAT, runTensorSpecs } from '../src/train/runSnapshot';
import { memoryConfig, memoryDataset, trainRun } from './helpers/memoryRun';

const NAME = 'tiny-clip.safetensors';
const SAVED_AT = '2026-01-01T00:00:00.000Z';

interface FileTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  data: Uint8Array | ArrayLike<number>;
}
interface FileParts {
  tensors: FileTensor[];
  metadata: Record<string, string> | undefined;
}

let run: Run;
let valid: Uint8Array;
let validParts: FileParts;
let lastLoss: number;


/** The valid file's tensors (raw bytes, in file order) and metadata, as fresh copies. */
function copyParts(): FileParts {
  return {
    tensors: validParts.tensors.map((t) => ({ ...t, shape: [...t.shape] })),
    metadata: validParts.metadata ? { ...validParts.metadata } : undefined,
  };
}

/** A new file from the valid one's tensors and metadata with `modify` applied. */
function rebuild(modify: (parts: FileParts) => void): Uint8Array {
  const parts = copyParts();
  modify(parts);
  return writeSafetensors(parts.tensors, parts.metadata);
}

/** Every check an import makes: header and metadata, then the tensors against the config. */
async function checkFile(bytes: Uint8Array, resumable?: boolean): Promise<ModelFileInfo> {
  const src = bytesSource(bytes);
  const info = await readModelFileInfo(src, NAME);
  const r = resumable ?? info.header.tensors.some((t) => isResumeTensor(t.name));
  await checkModelTensors(src, NAME, info, runTensorSpecs(info.run!.config, info.run!, r));
  return info;
}

/** The SafetensorsError a file is refused with; fails the test if it is accepted or fails otherwise. */
async function refusal(bytes: Uint8Array, resumable?: boolean): Promise<SafetensorsError> {
  let err: unknown = null;
  try {
    await checkFile(bytes, resumable);
  } catch (e) {
    err = e;
  }
  expect(err, 'the file was accepted').not.toBeNull();
  expect(err).toBeInstanceOf(SafetensorsError);
  const e = err as SafetensorsError;
  expect(e.fileName).toBe(NAME);
  expect(e.message.startsWith(`${NAME}: `), e.message).toBe(true);
  expect(e.message).toBe(`${NAME}: ${e.reason}`);
  return e;
}

const tensorOf = (parts: FileParts, name: string): FileTensor => {
  const t = parts.tensors.find((x) => x.name === name);
  if (!t) throw new Error(`test setup: no tensor ${name}`);
  return t;
};
const f32Of = (t: FileTensor): Float32Array => decodeTensor('F32', t.data as Uint8Array) as Float32Array;
const setJson = (parts: FileParts, key: string, edit: (v: Record<string, unknown>) => void): void => {
  const v = JSON.parse(parts.metadata![key]!) as Record<string, unknown>;
  edit(v);
  parts.metadata![key] = JSON.stringify(v);
};
/** A 2-D parameter whose dimensions differ (so swapping them is a different shape). */
const nonSquare2d = (): FileTensor =>
  validParts.tensors.find((t) => !isResumeTensor(t.name) && t.shape.length === 2 && t.shape[0] !== t.shape[1])!;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const { data, tokenizer } = memoryDataset();
  run = Run.create({ id: 'run-mf', name: 'model file', config: memoryConfig({ kind: 'clip' }), tokenizer, data });
  const losses = await trainRun(run, 2);
  lastLoss = losses[1]!;
  const snap = await run.snapshot();
  const plan = planModelFile(snap, SAVED_AT);
  valid = new Uint8Array(plan.totalBytes);
  valid.set(plan.header);
  expect(plan.entries.map((e) => e.name)).toEqual(snap.tensors.map((t) => t.name));
  for (let i = 0; i < plan.entries.length; i++) {
    const e = plan.entries[i]!;
    const values = await snap.tensors[i]!.read();
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength); // little-endian host
    expect(bytes.length, e.name).toBe(e.end - e.begin);
    valid.set(bytes, plan.dataStart + e.begin);
  }
  const src = bytesSource(valid);
  const header = await readSafetensorsHeader(src, NAME);
  const tensors: FileTensor[] = [];
  for (const t of header.tensors) tensors.push({ name: t.name, dtype: t.dtype, shape: [...t.shape], data: (await readTensorBytes(src, header, t)).slice() });
  validParts = { tensors, metadata: header.metadata ? { ...header.metadata } : undefined };
});

afterAll(() => {
  run?.dispose();
});

describe('model file: the valid file', () => {
  it('passes every check, and its metadata says what the run is', async () => {
    const info = await checkFile(valid, true);
    expect(info.modelConfig).toEqual(run.config.model);
    expect(info.objective).toEqual({ kind: 'clip' });
    expect(info.training).toMatchObject({ step: 2, totalSteps: run.config.steps, seed: run.config.seed, batchSize: 8, savedAt: SAVED_AT });
    expect(info.training.lastLoss).toBeCloseTo(lastLoss, 6);
    expect(info.training.dataset).toEqual(run.data.identity);
    expect(info.run).not.toBeNull();
    expect(info.run!.format).toBe(RUN_FORMAT);
    expect(info.run!.step).toBe(2);
    expect(info.run!.config).toEqual(run.config);
    expect(info.header.metadata!.format).toBe(MODEL_FILE_FORMAT);
    expect(info.header.metadata!.tokenizer).toBe(JSON.stringify(run.tokenizer.toJSON()));
    const names = info.header.tensors.map((t) => t.name);
    expect(names).toContain('logit_scale');
    expect(names).toContain('optim.m.logit_scale');
    expect(names).toContain('optim.v.logit_scale');
    // The file holds exactly the run's tensors (parameters and both moments, each F32).
    const specs = runTensorSpecs(run.config, info.run, true);
    expect([...names].sort()).toEqual(specs.map((s) => s.name).sort());
    expect(info.header.tensors.every((t) => t.dtype === 'F32')).toBe(true);
  });

  it('a weights-only file (no optim.*) passes as not resumable and is refused as resumable', async () => {
    const weights = rebuild((p) => void (p.tensors = p.tensors.filter((t) => !t.name.startsWith('optim.'))));
    const info = await checkFile(weights, false);
    expect(info.header.tensors.some((t) => t.name.startsWith('optim.'))).toBe(false);
    expect(info.header.tensors.length).toBe(runTensorSpecs(info.run!.config, info.run!, false).length);
    expect(info.modelConfig).toEqual(run.config.model);
    const e = await refusal(weights, true);
    expect(e.message).toMatch(/: tensor "optim\.m\.[^"]+" is missing$/);
  });
});

describe('model file: refusals name the file and the reason', () => {
  it('a tensor the config needs is missing', async () => {
    const e = await refusal(rebuild((p) => void (p.tensors = p.tensors.filter((t) => t.name !== 'logit_scale'))));
    expect(e.message).toMatch(/: tensor "logit_scale" is missing$/);
  });

  it('an extra tensor', async () => {
    const e = await refusal(rebuild((p) => p.tensors.push({ name: 'bogus.w', dtype: 'F32', shape: [2, 2], data: [1, 2, 3, 4] })));
    expect(e.message).toMatch(/: tensor "bogus\.w" does not belong to a clip model of this config$/);
  });

  it('a shape that does not match the config (same byte length)', async () => {
    const w = nonSquare2d();
    expect(w).toBeDefined();
    const [a, b] = w.shape as [number, number];
    const e = await refusal(rebuild((p) => void (tensorOf(p, w.name).shape = [b, a])));
    const esc = w.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(e.message).toMatch(new RegExp(`: tensor "${esc}" has shape \\[${b}, ${a}\\], the config needs \\[${a}, ${b}\\]$`));
  });

  it('a parameter stored as F16', async () => {
    const e = await refusal(
      rebuild((p) => {
        const t = tensorOf(p, 'logit_scale');
        t.data = Array.from(f32Of(t));
        t.dtype = 'F16';
      }),
    );
    expect(e.message).toMatch(/: tensor "logit_scale" is F16, expected F32$/);
  });

  it('a NaN inside a parameter, by tensor and index', async () => {
    const w = nonSquare2d();
    const e = await refusal(
      rebuild((p) => {
        const t = tensorOf(p, w.name);
        const v = f32Of(t);
        v[5] = NaN;
        t.data = v;
      }),
    );
    expect(e.message).toContain(`tensor "${w.name}" has a non-finite value (NaN) at index 5`);
  });

  it('an Infinity inside a parameter, by tensor and index', async () => {
    const e = await refusal(
      rebuild((p) => {
        const t = tensorOf(p, 'logit_scale');
        const v = f32Of(t);
        v[0] = -Infinity;
        t.data = v;
      }),
    );
    expect(e.message).toMatch(/: tensor "logit_scale" has a non-finite value \(-Infinity\) at index 0$/);
  });

  it('no __metadata__ at all', async () => {
    const e = await refusal(rebuild((p) => void (p.metadata = undefined)));
    expect(e.message).toMatch(/: metadata is missing \(the file has no __metadata__; not a CLIP Lab model file\)$/);
  });

  it('a wrong "format"', async () => {
    const e = await refusal(rebuild((p) => void (p.metadata!.format = 'clip-lab.model/0')));
    expect(e.message).toMatch(/: metadata "format" is "clip-lab\.model\/0", expected "clip-lab\.model\/1"$/);
  });

  it('a missing "format"', async () => {
    const e = await refusal(rebuild((p) => void delete p.metadata!.format));
    expect(e.message).toMatch(/: metadata "format" is null, expected "clip-lab\.model\/1"$/);
  });

  it('"model_config" that is not JSON', async () => {
    const e = await refusal(rebuild((p) => void (p.metadata!.model_config = '{"image": ')));
    expect(e.message).toMatch(/: metadata "model_config" is not readable JSON$/);
  });

  it('"model_config" that is JSON but not a valid model', async () => {
    const e = await refusal(rebuild((p) => setJson(p, 'model_config', (c) => void ((c.image as { heads: number }).heads = 3))));
    expect(e.message).toMatch(/: metadata "model_config" is not a valid model: Invalid model config: image width 16 is not divisible by 3 heads$/);
  });

  it('"model_config" that is JSON null', async () => {
    const e = await refusal(rebuild((p) => void (p.metadata!.model_config = 'null')));
    expect(e.message).toMatch(/: metadata "model_config" is not a model config \(it needs image and text settings\)$/);
  });

  it('"model_config" that disagrees with the run state', async () => {
    const e = await refusal(rebuild((p) => setJson(p, 'model_config', (c) => void (c.initLogitScale = 1))));
    expect(e.message).toMatch(/: metadata "model_config" and "run_state" disagree on the model$/);
  });

  it('"tokenizer" missing', async () => {
    const e = await refusal(rebuild((p) => void delete p.metadata!.tokenizer));
    expect(e.message).toMatch(/: metadata "tokenizer" is missing \(not a CLIP Lab model file\?\)$/);
  });

  it('"objective" that is not JSON', async () => {
    const e = await refusal(rebuild((p) => void (p.metadata!.objective = 'clip')));
    expect(e.message).toMatch(/: metadata "objective" is not readable JSON$/);
  });

  it('"objective" without a kind', async () => {
    const e = await refusal(rebuild((p) => void (p.metadata!.objective = '{}')));
    expect(e.message).toMatch(/: metadata "objective" has no kind$/);
  });

  it('"run_state" of another format', async () => {
    const e = await refusal(rebuild((p) => setJson(p, 'run_state', (m) => void (m.format = 'clip-lab.run/0'))));
    expect(e.message).toMatch(/: metadata "run_state" is not a clip-lab\.run\/1 state$/);
  });

  it('a file that is not safetensors at all (a PNG) is refused by the safetensors layer', async () => {
    const png = new Uint8Array(64);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    for (let i = 8; i < png.length; i++) png[i] = (i * 37) & 0xff;
    const e = await refusal(png);
    expect(e.message).toMatch(/: not a safetensors file \(header length \d+ is over the 100 MB limit\)$/);
  });
});

describe('model file: fileTensorLoader', () => {
  it("gives back exactly the run's values", async () => {
    const src = bytesSource(valid);
    const info = await readModelFileInfo(src, NAME);
    const load = fileTensorLoader(src, info.header, NAME);
    const params = run.model.params.params;
    const picks = [params.find((p) => p.name === 'logit_scale')!, params.find((p) => p.name === nonSquare2d().name)!, params[0]!];
    for (const p of picks) {
      const got = await load(p.name, 'F32', [...p.shape]);
      expect(got, p.name).toBeInstanceOf(Float32Array);
      expect(Array.from(got), p.name).toEqual(Array.from((await p.variable.data()) as Float32Array));
    }
    // An AdamW moment too: it was trained for 2 steps, so it is not all zeros.
    const { m } = run.trainer.optimizer.slots();
    const i = params.indexOf(picks[1]!);
    const mGot = await load(`optim.m.${picks[1]!.name}`, 'F32', [...picks[1]!.shape]);
    const mWant = (await m[i]!.data()) as Float32Array;
    expect(Array.from(mGot)).toEqual(Array.from(mWant));
    expect(mWant.some((x) => x !== 0)).toBe(true);
  });

  it('refuses a wrong shape, a wrong dtype and a missing name', async () => {
    const src = bytesSource(valid);
    const header = await readSafetensorsHeader(src, NAME);
    const load = fileTensorLoader(src, header, NAME);
    const w = nonSquare2d();
    const [a, b] = w.shape as [number, number];
    await expect(load(w.name, 'F32', [b, a])).rejects.toThrow(new SafetensorsError(NAME, `tensor "${w.name}" has shape [${a}, ${b}], expected [${b}, ${a}]`).message);
    await expect(load(w.name, 'F32', [a * b])).rejects.toBeInstanceOf(SafetensorsError);
    await expect(load('logit_scale', 'I32', [...tensorOf(validParts, 'logit_scale').shape])).rejects.toThrow(`${NAME}: tensor "logit_scale" is F32, expected I32`);
    await expect(load('bogus.w', 'F32', [2])).rejects.toThrow(`${NAME}: tensor "bogus.w" is missing`);
  });
});
