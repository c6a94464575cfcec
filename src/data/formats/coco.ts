// COCO Captions annotation files (captions_train2017.json and the like; format at
// https://cocodataset.org/#format-data): {"images": [{"id", "file_name", ...}],
// "annotations": [{"image_id", "caption", ...}]}, usually five captions per image.
// Parses and validates the structure; matching images to files is cocoImporter.ts.

import { ImportError } from '../import/types';

export type CocoId = number | string;

export interface CocoImage {
  id: CocoId;
  file_name: string;
  /** The whole image record (width, height, coco_url…), kept as pair metadata. */
  record: Record<string, unknown>;
}

export interface CocoCaptions {
  /** In file order. */
  images: CocoImage[];
  /** Raw captions (not yet normalised) by String(image id), in annotation order. */
  captions: Map<string, string[]>;
  /** Annotations whose image_id names no image: index in annotations[] and the id. */
  orphans: { index: number; imageId: CocoId }[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isId = (v: unknown): v is CocoId => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';

/** Validates COCO captions JSON text. Throws ImportError(fileName, …) naming the first problem. */
export function parseCocoCaptions(text: string, fileName: string): CocoCaptions {
  const bad = (what: string): ImportError => new ImportError(fileName, `malformed COCO JSON: ${what}`);
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new ImportError(fileName, `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isRecord(root)) throw bad('the top level is not an object');
  if (!('images' in root)) throw bad('"images" missing');
  if (!Array.isArray(root.images)) throw bad('"images" is not an array');
  if (!('annotations' in root)) throw bad('"annotations" missing');
  if (!Array.isArray(root.annotations)) throw bad('"annotations" is not an array');

  const images: CocoImage[] = [];
  const seenIds = new Map<string, number>(); // ids compared as strings: 7 and "7" are one image
  root.images.forEach((img: unknown, i: number) => {
    const at = `images[${i}]`;
    if (!isRecord(img)) throw bad(`${at} is not an object`);
    if (!('id' in img)) throw bad(`${at}.id missing`);
    if (!isId(img.id)) throw bad(`${at}.id is not a number or string`);
    if (!('file_name' in img)) throw bad(`${at}.file_name missing`);
    if (typeof img.file_name !== 'string' || img.file_name.trim() === '') {
      throw bad(`${at}.file_name is not a non-empty string`);
    }
    const dup = seenIds.get(String(img.id));
    if (dup !== undefined) throw bad(`${at}.id ${JSON.stringify(img.id)} repeats images[${dup}].id`);
    seenIds.set(String(img.id), i);
    images.push({ id: img.id, file_name: img.file_name, record: img });
  });

  const captions = new Map<string, string[]>();
  const orphans: CocoCaptions['orphans'] = [];
  root.annotations.forEach((ann: unknown, i: number) => {
    const at = `annotations[${i}]`;
    if (!isRecord(ann)) throw bad(`${at} is not an object`);
    if (!('image_id' in ann)) throw bad(`${at}.image_id missing`);
    if (!isId(ann.image_id)) throw bad(`${at}.image_id is not a number or string`);
    if (!('caption' in ann)) throw bad(`${at}.caption missing`);
    if (typeof ann.caption !== 'string') throw bad(`${at}.caption is not a string`);
    const id = String(ann.image_id);
    if (!seenIds.has(id)) {
      orphans.push({ index: i, imageId: ann.image_id });
      return;
    }
    const list = captions.get(id);
    if (list) list.push(ann.caption);
    else captions.set(id, [ann.caption]);
  });
  return { images, captions, orphans };
}
