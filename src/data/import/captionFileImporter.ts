// Turns a caption mapping file (CSV, TSV or JSONL; see formats/captionFile.ts) plus the
// picked image files into import events. Rows naming the same image add captions to
// one pair; malformed rows and unmatched names are skips, "file.csv line N: …".

import { captionFileFormat, parseCaptionFile } from '../formats/captionFile';
import { cleanCaptions } from '../formats/captionText';
import { readImageFile } from './imageCheck';
import { PickedFiles, lookupProblem, normaliseRef, pickedPath } from './pickedFiles';
import { readTextFile } from './readText';
import type { ImportEvent } from './types';

export async function* importCaptionFile(mappingFile: File, imageFiles: File[]): AsyncGenerator<ImportEvent> {
  const name = mappingFile.name;
  const text = await readTextFile(mappingFile);
  const picked = new PickedFiles(imageFiles);
  const skip = (file: string, reason: string): ImportEvent => ({ kind: 'skip', skip: { file, reason } });

  // All rows are read before any image, since rows for one image need not be adjacent.
  const groups = new Map<File, string[]>();
  const unmatched = new Set<string>();
  for (const row of parseCaptionFile(text, captionFileFormat(name, text), name)) {
    const at = `${name} line ${row.line}`;
    if (row.kind === 'error') {
      yield skip(at, row.reason);
      continue;
    }
    if (cleanCaptions(row.captions).length === 0) {
      yield skip(at, 'empty caption');
      continue;
    }
    const found = picked.find(row.file);
    if (!('file' in found)) {
      const ref = normaliseRef(row.file);
      if (!unmatched.has(ref)) yield skip(`${at}: ${row.file}`, lookupProblem(found)); // once per name
      unmatched.add(ref);
      continue;
    }
    const raw = groups.get(found.file);
    if (raw) raw.push(...row.captions);
    else groups.set(found.file, [...row.captions]);
  }

  let bytesRead = mappingFile.size;
  let bytesTotal = bytesRead;
  for (const f of groups.keys()) bytesTotal += f.size;
  yield { kind: 'progress', bytesRead, bytesTotal };
  for (const [file, raw] of groups) {
    const path = pickedPath(file);
    const read = await readImageFile(file);
    bytesRead += file.size;
    if ('problem' in read) yield skip(path, read.problem);
    else yield { kind: 'pair', pair: { key: path, source: path, image: read.bytes, captions: cleanCaptions(raw) } };
    yield { kind: 'progress', bytesRead, bytesTotal };
  }
}
