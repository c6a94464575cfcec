// A real CLIP brought from disk as a folder (or a few picked files): finds the layout from the file
// names, reads the config, the safetensors weights (F32, F16 or BF16) and the tokenizer files, and
// turns them into ModelWeights for the inference model. Pure over injected files: the same code
// reads Blobs in the browser and bytes in Node tests. Nothing is stored here.
import { defaultTrainConfig } from '../../config/defaults';
import type { TrainConfig } from '../../config/types';
import { ClipTokenizer } from '../../tokenizer/clipTokenizer';
import { decodeFloat32 } from '../files/safetensorsCodec';
import { readSafetensorsHeader, readTensorBytes, type ByteSource } from '../files/safetensorsReader';
import type { ModelWeights } from '../modelWeights';
import { CheckpointError, configFromHf, configFromOpenClip, mapCheckpoint, type CheckpointTensor, type ClipCheckpointConfig } from './clipLayouts';

export interface CheckpointFile {
  /** File name (a folder path is allowed: only the last part counts). */
  name: string;
  text(): Promise<string>;
  source(): ByteSource;
}

export interface LoadedCheckpoint {
  weights: ModelWeights;
  checkpoint: ClipCheckpointConfig;
  /** Bytes of the weights file. */
  weightBytes: number;
  /** The weights file's name and the dtypes its tensors were stored in. */
  weightsFile: string;
  dtypes: string[];
}

export interface LoadClipOptions {
  /** After each tensor is decoded (k of n). May throw to cancel. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Called once the config, tokenizer and the weights' header are read and checked, before any
   * tensor is decoded: `elements` is the number of weight values (the caller checks storage for
   * them). May throw to refuse; nothing has been decoded then.
   */
  beforeDecode?: (elements: number) => Promise<void> | void;
}

const baseName = (n: string) => n.split(/[\\/]/).pop()!;
/** Tensors some writers add that hold no weights (read as buffers, never decoded). */
const SKIPPED = /(^|\.)(position_ids|attn_mask)$/;

async function json(f: CheckpointFile): Promise<unknown> {
  try {
    return JSON.parse(await f.text());
  } catch (e) {
    throw new CheckpointError(`${baseName(f.name)}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

export async function loadClipFolder(files: readonly CheckpointFile[], name: string, options: LoadClipOptions = {}): Promise<LoadedCheckpoint> {
  const byName = new Map(files.map((f) => [baseName(f.name), f]));
  const found = [...byName.keys()].sort().join(', ') || 'no files';
  const ocConfig = byName.get('open_clip_config.json');
  const hfConfig = byName.get('config.json');
  const ocWeights = byName.get('open_clip_model.safetensors');
  const hfWeights = byName.get('model.safetensors');
  let checkpoint: ClipCheckpointConfig;
  let weightsFile: CheckpointFile;
  if (ocConfig && ocWeights) {
    checkpoint = configFromOpenClip(await json(ocConfig));
    weightsFile = ocWeights;
  } else if (hfConfig && hfWeights) {
    const pre = byName.get('preprocessor_config.json');
    checkpoint = configFromHf(await json(hfConfig), pre ? await json(pre) : null);
    weightsFile = hfWeights;
  } else if (ocWeights || hfWeights) {
    throw new CheckpointError(`${name}: ${baseName((ocWeights ?? hfWeights)!.name)} has no config beside it (${ocWeights ? 'open_clip_config.json' : 'config.json'}) to say what model it holds; found ${found}`);
  } else if ([...byName.keys()].some((n) => n.endsWith('.bin') || n.endsWith('.pt') || n.endsWith('.pth'))) {
    throw new CheckpointError(`${name}: only .safetensors weights can be read in the browser (PyTorch .bin/.pt files run code when loaded); found ${found}`);
  } else {
    throw new CheckpointError(`${name}: no CLIP checkpoint here (expected config.json + model.safetensors, or open_clip_config.json + open_clip_model.safetensors); found ${found}`);
  }

  const tokJson = byName.get('tokenizer.json');
  const vocab = byName.get('vocab.json');
  const merges = byName.get('merges.txt');
  let tokenizer: ClipTokenizer;
  if (tokJson) tokenizer = ClipTokenizer.fromTokenizerJson(await json(tokJson));
  else if (vocab && merges) tokenizer = ClipTokenizer.fromVocabAndMerges(await json(vocab), await merges.text());
  else throw new CheckpointError(`${name}: no tokenizer (tokenizer.json, or vocab.json + merges.txt); found ${found}`);
  if (tokenizer.vocabSize !== checkpoint.model.text.vocabSize) {
    throw new CheckpointError(`${name}: the tokenizer has ${tokenizer.vocabSize} ids, the text tower's config ${checkpoint.model.text.vocabSize}: they do not belong together`);
  }

  const fileName = baseName(weightsFile.name);
  const src = weightsFile.source();
  const header = await readSafetensorsHeader(src, fileName);
  const tensors = new Map<string, CheckpointTensor>();
  const entries = header.tensors.filter((e) => !SKIPPED.test(e.name));
  for (const e of entries) {
    if (e.dtype !== 'F32' && e.dtype !== 'F16' && e.dtype !== 'BF16') throw new CheckpointError(`${fileName}: tensor "${e.name}" is ${e.dtype}; weights must be F32, F16 or BF16`);
  }
  await options.beforeDecode?.(entries.reduce((a, e) => a + e.shape.reduce((x, y) => x * y, 1), 0));
  for (const [k, e] of entries.entries()) {
    tensors.set(e.name, { shape: e.shape, values: decodeFloat32(e.dtype, await readTensorBytes(src, header, e)) });
    options.onProgress?.(k + 1, entries.length);
  }
  const mapped = mapCheckpoint(checkpoint, tensors, fileName);
  const base = defaultTrainConfig('tiny');
  const model = { ...checkpoint.model, imageMean: checkpoint.mean, imageStd: checkpoint.std };
  const config: TrainConfig = { ...base, model, dataset: { kind: 'stored', id: '' } };
  const logitScale = mapped.get('logit_scale')!.values[0]!;
  config.model.initLogitScale = Math.min(Math.max(0, logitScale), config.model.maxLogitScale);
  return {
    checkpoint,
    weightBytes: header.fileSize,
    weightsFile: fileName,
    dtypes: [...new Set(entries.map((e) => e.dtype))].sort(),
    weights: {
      id: `clip:${name}`,
      name,
      step: 0,
      config,
      tokenizer: tokenizer.toJSON(),
      dataset: { id: '', name: 'none' },
      tensors: [...mapped].map(([n, t]) => ({ name: n, shape: t.shape, values: t.values })),
    },
  };
}
