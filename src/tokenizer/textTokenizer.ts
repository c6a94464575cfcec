// What the text tower needs from a tokenizer, whichever it is: the app's own caption BPE (./bpe.ts,
// trained on a dataset here) or the CLIP tokenizer of a checkpoint brought from disk
// (./clipTokenizer.ts). Models store theirs serialised; tokenizerFromJSON reads either form.
import { BpeTokenizer } from './bpe';
import { ClipTokenizer, type ClipTokenizerJSON } from './clipTokenizer';

export interface TextTokenizer {
  /** Rows of the token embedding the ids index. */
  readonly vocabSize: number;
  /** Ids of a text, without start and end tokens. */
  encode(text: string): readonly number[];
  /** Model inputs: B·contextLength ids (start, ids, end, padding) and each row's end-token index. */
  encodeBatch(texts: readonly string[], contextLength: number): { tokens: Int32Array; eot: Int32Array };
  toJSON(): unknown;
}

export function tokenizerFromJSON(o: unknown): TextTokenizer {
  if (o && typeof o === 'object' && (o as { type?: unknown }).type === 'clip-bpe') return ClipTokenizer.fromJSON(o as ClipTokenizerJSON);
  return BpeTokenizer.fromJSON(o);
}
