// A Hugging Face tokenizer.json of a CLIP tokenizer (the layout transformers saves for
// openai/clip-*: NFC, whitespace runs → one space, lower case, CLIP's split, byte-level BPE with
// `</w>`, start/end tokens as the last two ids) over a given vocabulary and merges: the tokenizer
// test feeds it to Hugging Face's tokenizers.js, the ViT-B/32 bench writes it into its folder.
import { CLIP_END, CLIP_START } from '../../src/tokenizer/clipTokenizer';

export function hfClipTokenizerJson(vocab: Record<string, number>, merges: readonly string[]) {
  const start = vocab[CLIP_START];
  const end = vocab[CLIP_END];
  if (start === undefined || end === undefined) throw new Error(`the vocabulary needs ${CLIP_START} and ${CLIP_END}`);
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(start, CLIP_START), special(end, CLIP_END)],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: [CLIP_END, end], cls: [CLIP_START, start], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: CLIP_END, continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab, merges: [...merges] },
  };
}
