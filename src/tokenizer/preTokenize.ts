// Pre-tokenisation, shared by the BPE tokenizer (bpe.ts, trainBpe.ts) and the ProtoCLIP teacher:
// normaliseCaption (NFC, lowercase, collapse whitespace, trim) and the split into words (runs of
// letters, digits or other symbols; a word keeps its leading space). Merges never cross a word.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const WHITESPACE = /\s+/gu;
/** A word: optional leading space, then a run of letters, a run of digits, or a run of anything else. */
const WORD = / ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+/gu;

/** NFC, lowercase, collapse whitespace to single spaces, trim (lone surrogates become U+FFFD). */
export function normaliseCaption(s: string): string {
  return s
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC')
    .toLowerCase()
    .normalize('NFC')
    .replace(WHITESPACE, ' ')
    .trim();
}

/** Split already-normalised text into words; their concatenation is exactly the input. */
export function preSplit(normalised: string): string[] {
  return normalised.match(WORD) ?? [];
}
