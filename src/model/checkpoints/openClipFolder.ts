// A stored model as an open_clip checkpoint folder, packed in one tar for the download:
//   <name>-open_clip/open_clip_config.json        the model config open_clip builds CLIP from
//   <name>-open_clip/open_clip_model.safetensors  its state dict (F32), see exportOpenClip.ts
//   <name>-open_clip/vocab.json + merges.txt       a CLIP tokenizer's files (models read from a CLIP checkpoint)
//   <name>-open_clip/clip_lab_tokenizer.json       the app's own BPE (models trained here; no open_clip equivalent)
//   <name>-open_clip/README.txt                    how to load it in Python, and what the text side needs
// Refused (every reason named) where the architecture does not map.
import { TAR_END, tarFileParts } from '../../data/formats/tarWriter';
import { slugOf } from '../../util/slug';
import type { ClipTokenizerJSON } from '../../tokenizer/clipTokenizer';
import type { ModelWeights } from '../modelWeights';
import { CheckpointError } from './clipLayouts';
import { OPEN_CLIP_CONFIG_FILE, OPEN_CLIP_WEIGHTS_FILE, exportOpenClip, openClipConfigText, openClipSafetensors, tokenizerIdsOf, type OpenClipExport } from './exportOpenClip';

const encoder = new TextEncoder();

/** The folder (and tar) name: the model's name in [a-z0-9-]. */
export function openClipFolderName(name: string): string {
  return `${slugOf(name)}-open_clip`;
}

/** The Python that loads the folder into open_clip (also in the README of the project). */
export function openClipReadme(exp: OpenClipExport, weights: Pick<ModelWeights, 'name' | 'step'>, clipTokenizer: boolean): string {
  const mean = exp.config.preprocess_cfg.mean.join(', ');
  const std = exp.config.preprocess_cfg.std.join(', ');
  const S = exp.config.model_cfg.vision_cfg.image_size;
  const text = clipTokenizer
    ? [
        'Text: the tokenizer is a CLIP tokenizer (vocab.json + merges.txt here). Where it is the standard',
        "CLIP vocabulary (49 408 ids) open_clip's own tokenizer gives the same ids:",
        '  tokens = open_clip.get_tokenizer("ViT-B-32")(["a photo of a cat"])',
        `  (context length ${exp.config.model_cfg.text_cfg.context_length}; pass context_length= if it differs from 77)`,
      ]
    : [
        "Text: this model was trained with CLIP Lab's own byte-level BPE (clip_lab_tokenizer.json), which",
        "open_clip does not implement: feed token ids made by CLIP Lab's tokenizer (<start>, ids, <end>, 0-padding",
        `to ${exp.config.model_cfg.text_cfg.context_length}).`,
        exp.tokenIds.swapped
          ? `open_clip reads the text feature at the largest id, so the export relabels ids ${exp.tokenIds.swapped[0]} (<end>) and ${exp.tokenIds.swapped[1]} (swap them in the ids you feed; also in the safetensors metadata "clip_lab.token_id_swap").`
          : 'The end token already has the largest id: feed the ids as they are.',
      ];
  return [
    `${weights.name} (step ${weights.step}), exported by CLIP Lab in the open_clip layout.`,
    '',
    'Load it (pip install open_clip_torch safetensors):',
    '',
    '  import json, open_clip, torch',
    '  from safetensors.torch import load_file',
    `  cfg = json.load(open("${OPEN_CLIP_CONFIG_FILE}"))`,
    '  model = open_clip.CLIP(**cfg["model_cfg"]).eval()',
    `  model.load_state_dict(load_file("${OPEN_CLIP_WEIGHTS_FILE}"), strict=True)`,
    `  preprocess = open_clip.image_transform(${S}, is_train=False, mean=(${mean}), std=(${std}))`,
    '  with torch.no_grad():',
    '      image = model.encode_image(preprocess(PIL.Image.open("cat.jpg")).unsqueeze(0), normalize=True)',
    '',
    ...text,
    '',
  ].join('\n');
}

export interface OpenClipFolder {
  fileName: string;
  blob: Blob;
  /** The id swap the text side needs (null: none). */
  swapped: [number, number] | null;
}

/** The tar of the folder, or a CheckpointError listing every reason the model does not map. */
export function openClipFolderTar(weights: ModelWeights): OpenClipFolder {
  const tokenizer = tokenizerIdsOf(weights.tokenizer);
  const exp = exportOpenClip({ model: weights.config.model, tokenizer, tensors: weights.tensors });
  if (!exp.ok) throw new CheckpointError(`${weights.name} cannot be exported for open_clip: ${exp.reasons.join(' ')}`);
  const folder = openClipFolderName(weights.name);
  const files: [string, Uint8Array][] = [
    [OPEN_CLIP_CONFIG_FILE, encoder.encode(openClipConfigText(exp))],
    [OPEN_CLIP_WEIGHTS_FILE, openClipSafetensors(exp)],
  ];
  const clip = tokenizer.kind === 'clip-bpe';
  if (clip) {
    const t = weights.tokenizer as ClipTokenizerJSON;
    files.push(['vocab.json', encoder.encode(JSON.stringify(t.vocab))]);
    files.push(['merges.txt', encoder.encode(`#version: 0.2\n${t.merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`)]);
  } else {
    files.push(['clip_lab_tokenizer.json', encoder.encode(JSON.stringify(weights.tokenizer))]);
  }
  files.push(['README.txt', encoder.encode(openClipReadme(exp, weights, clip))]);
  const parts: BlobPart[] = [];
  for (const [name, bytes] of files) for (const p of tarFileParts(`${folder}/${name}`, bytes)) parts.push(p as Uint8Array<ArrayBuffer>);
  parts.push(TAR_END as Uint8Array<ArrayBuffer>);
  return { fileName: `${folder}.tar`, blob: new Blob(parts, { type: 'application/x-tar' }), swapped: exp.tokenIds.swapped };
}
