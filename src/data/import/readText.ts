// Reads a whole text file (a COCO JSON, a CSV/TSV/JSONL caption file) as strict UTF-8:
// mis-encoded text is refused with a clear message rather than turned into U+FFFD.

import { ImportError } from './types';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true }); // drops a leading BOM

export async function readTextFile(file: File): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    throw new ImportError(file.name, `could not read the file: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new ImportError(file.name, 'not valid UTF-8 text');
  }
}

