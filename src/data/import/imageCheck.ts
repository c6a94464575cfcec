// The checks every importer applies to an image before handing it on: the bytes are
// there and they are an image the decoder can read (by header; the import job does
// the size limit and the decoding).

import { sniffImage } from '../formats/imageHeader';

/** The skip reason for unusable image bytes, or null when they look like an image. */
export function imageProblem(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'empty file';
  if (sniffImage(bytes) === null) return 'not an image (unrecognised bytes)';
  return null;
}

/** Reads a picked image file, or says why it cannot be used (it may have changed since it was picked). */
export async function readImageFile(file: File): Promise<{ bytes: Uint8Array } | { problem: string }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    return { problem: `could not read the file: ${e instanceof Error ? e.message : String(e)}` };
  }
  const problem = imageProblem(bytes);
  return problem === null ? { bytes } : { problem };
}
