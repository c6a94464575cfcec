// TF-IDF for the ProtoCLIP teacher (teacher.ts, whose header gives the conventions): a caption's
// tokens, and its sparse row of sublinear-tf × idf weights, L2-normalised:
//   w_j = (1 + ln tf_j) · idf_j,  row = w / ‖w‖  (only the vocabulary words the caption contains).
import { normaliseCaption } from '../../tokenizer/preTokenize';

const WORD_RE = /[\p{L}\p{N}]+/gu;

/** Teacher tokens of one caption. */
export function teacherTokens(caption: string): string[] {
  return normaliseCaption(caption).match(WORD_RE) ?? [];
}

export interface SparseRow {
  idx: Int32Array;
  val: Float64Array;
}

export function tfidfRow(tokens: string[], index: Map<string, number>, idf: Float64Array): SparseRow {
  const counts = new Map<number, number>();
  for (const t of tokens) {
    const j = index.get(t);
    if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
  }
  const idx = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const val = new Float64Array(idx.length);
  let sq = 0;
  for (let k = 0; k < idx.length; k++) {
    const w = (1 + Math.log(counts.get(idx[k])!)) * idf[idx[k]];
    val[k] = w;
    sq += w * w;
  }
  if (sq > 0) {
    const inv = 1 / Math.sqrt(sq);
    for (let k = 0; k < val.length; k++) val[k] *= inv;
  }
  return { idx, val };
}
