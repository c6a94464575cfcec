// The open_clip folder a user downloads (src/model/checkpoints/openClipFolder.ts): one tar holding
// open_clip_config.json, the state dict, the tokenizer files and a README with the Python lines. A
// CLIP read from the Hugging Face layout, exported, and read back from the tar as an open_clip
// folder (its vocab.json + merges.txt included) gives the PyTorch reference embeddings; a model that
// does not map is refused with the reasons.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultTrainConfig } from '../src/config/defaults';
import { readTar } from '../src/data/formats/tarReader';
import { loadClipFolder, type CheckpointFile } from '../src/model/checkpoints/loadClipFolder';
import { openClipFolderTar } from '../src/model/checkpoints/openClipFolder';
import { bytesSource } from '../src/model/files/safetensorsReader';
import { InferenceModel } from '../src/model/inferenceModel';
import { CLIP_FIXTURES, CLIP_MODELS, clipReference, folderFiles, maxAbsDiff } from './helpers/clipFixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function untar(blob: Blob): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const e of readTar(blob.stream(), 'export.tar')) out.set(e.name, e.bytes);
  return out;
}

describe('open_clip folder', () => {
  it.each(CLIP_MODELS)('%s: exported from the HF layout, read back from the tar as open_clip, gives the reference embeddings', async (model) => {
    const ref = clipReference(model);
    const { weights } = await loadClipFolder(folderFiles(join(CLIP_FIXTURES, model, 'hf')), 'My CLIP');
    const folder = openClipFolderTar(weights);
    expect(folder.fileName).toBe('my-clip-open_clip.tar');
    expect(folder.swapped).toBeNull();
    const files = await untar(folder.blob);
    expect([...files.keys()].sort()).toEqual(['README.txt', 'merges.txt', 'open_clip_config.json', 'open_clip_model.safetensors', 'vocab.json'].map((f) => `my-clip-open_clip/${f}`));
    const readme = new TextDecoder().decode(files.get('my-clip-open_clip/README.txt'));
    expect(readme).toContain('model = open_clip.CLIP(**cfg["model_cfg"]).eval()');
    expect(readme).toContain('model.load_state_dict(load_file("open_clip_model.safetensors"), strict=True)');
    const asFiles: CheckpointFile[] = [...files].map(([name, bytes]) => ({ name, text: async () => new TextDecoder().decode(bytes), source: () => bytesSource(bytes) }));
    const back = await loadClipFolder(asFiles, 'back');
    expect(back.checkpoint.layout).toBe('openclip');
    expect(back.weights.tokenizer).toEqual(weights.tokenizer);
    const im = InferenceModel.fromWeights(back.weights);
    expect(maxAbsDiff(await im.encodeImages(Uint8Array.from(ref.images.flat()), ref.images.length), ref.imageEmbeddings)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(await im.encodeTexts(ref.captions), ref.textEmbeddings)).toBeLessThanOrEqual(1e-4);
    im.dispose();
  });

  it("a model of the 'tiny' preset (mean pooling) is refused, naming why", async () => {
    const { weights } = await loadClipFolder(folderFiles(join(CLIP_FIXTURES, CLIP_MODELS[0]!, 'hf')), 'x');
    const tiny = defaultTrainConfig('tiny');
    expect(() => openClipFolderTar({ ...weights, name: 'tiny run', config: tiny, tokenizer: { ...(weights.tokenizer as object) } })).toThrow(/tiny run cannot be exported for open_clip: .*mean/);
  });
});
