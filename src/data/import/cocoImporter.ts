// Turns a COCO captions JSON plus the picked image files into import events: one pair
// per image with all its captions. A malformed JSON ends the import (ImportError);
// an image without a file or without captions is a skip. Format: formats/coco.ts.

import { cleanCaptions } from '../formats/captionText';
import { parseCocoCaptions } from '../formats/coco';
import { readImageFile } from './imageCheck';
import { PickedFiles, lookupProblem, pickedPath } from './pickedFiles';
import { readTextFile } from './readText';
import type { ImportEvent } from './types';

export async function* importCoco(captionsFile: File, imageFiles: File[]): AsyncGenerator<ImportEvent> {
  const coco = parseCocoCaptions(await readTextFile(captionsFile), captionsFile.name);
  const picked = new PickedFiles(imageFiles);

  for (const o of coco.orphans) {
    yield {
      kind: 'skip',
      skip: {
        file: `${captionsFile.name}: annotations[${o.index}]`,
        reason: `image_id ${JSON.stringify(o.imageId)} is not in "images"`,
      },
    };
  }

  // Resolve first so progress can count the bytes of the images that will be read.
  const plan = coco.images.map((img) => ({ img, found: picked.find(img.file_name) }));
  const bytesTotal = plan.reduce((s, p) => s + ('file' in p.found ? p.found.file.size : 0), captionsFile.size);
  let bytesRead = captionsFile.size;
  yield { kind: 'progress', bytesRead, bytesTotal };

  for (const { img, found } of plan) {
    const skip = (reason: string): ImportEvent => ({ kind: 'skip', skip: { file: img.file_name, reason } });
    const captions = cleanCaptions(coco.captions.get(String(img.id)) ?? []);
    if (captions.length === 0) {
      yield skip(`no caption (no annotations for image id ${JSON.stringify(img.id)})`);
      continue;
    }
    if (!('file' in found)) {
      yield skip(lookupProblem(found));
      continue;
    }
    const read = await readImageFile(found.file);
    bytesRead += found.file.size;
    if ('problem' in read) yield skip(read.problem);
    else {
      yield {
        kind: 'pair',
        pair: { key: String(img.id), source: pickedPath(found.file), image: read.bytes, captions, meta: img.record },
      };
    }
    yield { kind: 'progress', bytesRead, bytesTotal };
  }
}
