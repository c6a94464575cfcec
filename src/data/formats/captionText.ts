// Caption text as stored for training: one canonical form so that identical captions
// compare equal whatever their source (Unicode NFC, e.g. 'e' + U+0301 -> 'é'; all
// whitespace, including NBSP and line breaks, collapsed to single spaces; trimmed;
// case kept). Caption files must be UTF-8: anything else is refused, not guessed.

import { ImportError } from '../import/types';

// \s covers ASCII whitespace, NBSP, U+1680, U+2000–U+200A, U+2028/9, U+202F, U+205F,
// U+3000 and U+FEFF; NEL (U+0085) is added by hand.
const WHITESPACE_RUN = /[\s\u0085]+/g;

export function normaliseCaptionText(s: string): string {
  return s.normalize('NFC').replace(WHITESPACE_RUN, ' ').trim();
}

/** Distinct normalised captions, empty ones dropped, in first-seen order. */
export function cleanCaptions(raw: readonly string[]): string[] {
  return [...new Set(raw.map(normaliseCaptionText))].filter((c) => c !== '');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true }); // strips a leading BOM (ignoreBOM: false)

/** Decodes UTF-8, refusing invalid sequences; a leading byte-order mark is dropped. */
export function decodeUtf8Strict(bytes: Uint8Array, file: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new ImportError(file, 'caption is not valid UTF-8');
  }
}
