// Caption mapping files that pair image file names with captions: CSV (RFC 4180:
// quoted fields may hold commas, newlines and doubled quotes), TSV (tab-separated, no
// quoting, as in Conceptual Captions) and JSONL (one JSON object per line). CSV/TSV
// may start with a header row naming the columns (file/filename/image/path…,
// caption/text/title…, any case); without one the first two columns are file, caption.
// Pure parsing; matching names to picked files is import/captionFileImporter.ts.

import { ImportError } from '../import/types';

export type CaptionFileFormat = 'csv' | 'tsv' | 'jsonl';

export type CaptionFileRow =
  /** captions: raw (not yet normalised); a JSONL line may carry an array of them. */
  | { kind: 'row'; line: number; file: string; captions: string[] }
  | { kind: 'error'; line: number; reason: string };

/** Column (or JSON key) names, normalised (lower case, spaces and dashes as '_'), in order of preference. */
export const FILE_COLUMNS = [
  'file', 'filename', 'file_name', 'filepath', 'file_path', 'image', 'image_file', 'image_name',
  'image_path', 'img', 'img_path', 'path',
] as const;
export const CAPTION_COLUMNS = [
  'caption', 'captions', 'text', 'title', 'description', 'alt', 'alt_text', 'sentence',
] as const;

const normaliseColumn = (s: string): string => s.trim().toLowerCase().replace(/[\s-]+/g, '_');

/** The format from the extension (.csv, .tsv/.tab, .jsonl/.ndjson), else sniffed from the first line. */
export function captionFileFormat(fileName: string, text: string): CaptionFileFormat {
  const ext = fileName.toLowerCase().split('.').pop();
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  if (first.trimStart().startsWith('{')) return 'jsonl';
  if (first.includes('\t')) return 'tsv';
  return 'csv';
}

/** One record of a table, or why it could not be read. */
export type TableRecord = { line: number; fields: string[] } | { line: number; reason: string };

/** RFC 4180 records, each with the line it starts on. Lenient: LF or CRLF, stray quotes inside unquoted fields kept. */
export function* csvRecords(text: string, delimiter = ','): Generator<TableRecord> {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const isEol = (k: number): boolean => text[k] === '\n' || text[k] === '\r';
  const skipEol = (): void => {
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
  };
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let error: string | null = null;
    for (;;) {
      if (text[i] === '"') {
        let value = '';
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            yield { line: start, reason: 'unterminated quoted field (no closing quote before the end of the file)' };
            return;
          }
          const piece = text.slice(i, q);
          for (let k = piece.indexOf('\n'); k >= 0; k = piece.indexOf('\n', k + 1)) line++;
          value += piece;
          if (text[q + 1] === '"') {
            value += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        fields.push(value);
        if (i < n && text[i] !== delimiter && !isEol(i)) error = 'unexpected text after a closing quote';
      } else {
        let j = i;
        while (j < n && text[j] !== delimiter && !isEol(j)) j++;
        fields.push(text.slice(i, j));
        i = j;
      }
      if (error || i >= n || text[i] !== delimiter) break;
      i++; // delimiter: next field
    }
    if (error) {
      while (i < n && !isEol(i)) i++;
      if (i < n) skipEol();
      yield { line: start, reason: error };
      continue;
    }
    if (i < n) skipEol();
    if (fields.length === 1 && fields[0].trim() === '') continue; // blank line
    yield { line: start, fields };
  }
}

/** TSV records: one per line, split on tabs, no quoting. */
export function* tsvRecords(text: string): Generator<TableRecord> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let k = 0; k < lines.length; k++) {
    if (lines[k].trim() === '') continue;
    yield { line: k + 1, fields: lines[k].split('\t') };
  }
}

function pickColumn(names: string[], wanted: readonly string[]): number {
  for (const w of wanted) {
    const k = names.indexOf(w);
    if (k >= 0) return k;
  }
  return -1;
}

function* tableRows(records: Iterable<TableRecord>, fileName: string): Generator<CaptionFileRow> {
  let fileCol = 0;
  let captionCol = 1;
  let first = true;
  for (const r of records) {
    if ('reason' in r) {
      yield { kind: 'error', line: r.line, reason: r.reason };
      continue;
    }
    if (first) {
      first = false;
      const names = r.fields.map(normaliseColumn);
      const f = pickColumn(names, FILE_COLUMNS);
      const c = pickColumn(names, CAPTION_COLUMNS);
      if (f >= 0 || c >= 0) {
        if (f < 0) throw new ImportError(fileName, `header row has no file column (expected one of: ${FILE_COLUMNS.join(', ')})`);
        if (c < 0) {
          throw new ImportError(fileName, `header row has no caption column (expected one of: ${CAPTION_COLUMNS.join(', ')})`);
        }
        fileCol = f;
        captionCol = c;
        continue;
      }
    }
    const needed = Math.max(fileCol, captionCol) + 1;
    if (r.fields.length < needed) {
      yield { kind: 'error', line: r.line, reason: `expected at least ${needed} columns, found ${r.fields.length}` };
      continue;
    }
    const file = r.fields[fileCol].trim();
    if (file === '') {
      yield { kind: 'error', line: r.line, reason: 'no file name' };
      continue;
    }
    yield { kind: 'row', line: r.line, file, captions: [r.fields[captionCol]] };
  }
}

function* jsonlRows(text: string): Generator<CaptionFileRow> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let k = 0; k < lines.length; k++) {
    const line = k + 1;
    if (lines[k].trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(lines[k]);
    } catch (e) {
      yield { kind: 'error', line, reason: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
      continue;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      yield { kind: 'error', line, reason: 'not a JSON object' };
      continue;
    }
    const byName = new Map<string, unknown>();
    for (const [key, value] of Object.entries(obj)) {
      const nk = normaliseColumn(key);
      if (!byName.has(nk)) byName.set(nk, value);
    }
    const fileKey = FILE_COLUMNS.find((c) => typeof byName.get(c) === 'string' && (byName.get(c) as string).trim() !== '');
    if (!fileKey) {
      yield { kind: 'error', line, reason: `no file name (expected a string under one of: ${FILE_COLUMNS.join(', ')})` };
      continue;
    }
    let captions: string[] | null = null;
    for (const c of CAPTION_COLUMNS) {
      const v = byName.get(c);
      if (typeof v === 'string') captions = [v];
      else if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) captions = v;
      if (captions) break;
    }
    if (!captions) {
      yield {
        kind: 'error',
        line,
        reason: `no caption (expected a string or an array of strings under one of: ${CAPTION_COLUMNS.join(', ')})`,
      };
      continue;
    }
    yield { kind: 'row', line, file: (byName.get(fileKey) as string).trim(), captions };
  }
}

/**
 * Rows of a caption file in file order, with per-line errors for malformed rows.
 * Throws ImportError(fileName, …) only for a header row that names one column but not the other.
 */
export function parseCaptionFile(text: string, format: CaptionFileFormat, fileName: string): Generator<CaptionFileRow> {
  if (format === 'jsonl') return jsonlRows(text);
  return tableRows(format === 'csv' ? csvRecords(text) : tsvRecords(text), fileName);
}
