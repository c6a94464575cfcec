import { collectImport } from './helpers/collectImport';
import { describe, expect, test } from 'vitest';
import { parseCocoCaptions } from '../src/data/formats/coco';
import { importCoco } from '../src/data/import/cocoImporter';
import { ImportError } from '../src/data/import/types';
import { pngHeader as png } from './helpers/bytes';

function picked(name: string, bytes: Uint8Array<ArrayBuffer> = png(), relativePath?: string): File {
  const f = new File([bytes], name);
  if (relativePath) Object.defineProperty(f, 'webkitRelativePath', { value: relativePath });
  return f;
}

const json = (v: unknown, name = 'captions_val2017.json'): File => new File([JSON.stringify(v)], name);

const run = (captions: File, images: File[]) => collectImport(importCoco(captions, images));

async function importError(captions: File, images: File[] = []): Promise<ImportError> {
  try {
    await run(captions, images);
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return e as ImportError;
  }
  throw new Error('expected an ImportError');
}

const coco = {
  info: { description: 'test' },
  images: [
    { id: 397133, file_name: '000000397133.jpg', width: 640, height: 427 },
    { id: 37777, file_name: '000000037777.jpg', width: 352, height: 230 },
  ],
  annotations: [
    { image_id: 397133, id: 1, caption: 'A man is in a kitchen making pizzas.' },
    { image_id: 37777, id: 2, caption: 'The dining table near the kitchen has a bowl of fruit on it.' },
    { image_id: 397133, id: 3, caption: 'Man in apron standing on front of oven with pans and bakeware\n' },
    { image_id: 37777, id: 4, caption: 'A small kitchen has various appliances and a table.' },
    { image_id: 397133, id: 5, caption: 'A baker is working in the kitchen rolling dough.' },
    { image_id: 37777, id: 6, caption: 'The kitchen is clean and ready for us to see.' },
  ],
};

describe('importCoco', () => {
  test('one pair per image with all three captions, in annotation order, with the image record', async () => {
    const images = [picked('000000037777.jpg', png(352, 230)), picked('000000397133.jpg', png(640, 427))];
    const { events, pairs, skips } = await run(json(coco), images);
    expect(skips).toEqual([]);
    expect(pairs.map((p) => p.key)).toEqual(['397133', '37777']);
    expect(pairs[0].captions).toEqual([
      'A man is in a kitchen making pizzas.',
      'Man in apron standing on front of oven with pans and bakeware',
      'A baker is working in the kitchen rolling dough.',
    ]);
    expect(pairs[1].captions).toHaveLength(3);
    expect(pairs[0].source).toBe('000000397133.jpg');
    expect(pairs[0].meta).toMatchObject({ id: 397133, width: 640 });
    expect(pairs[0].image).toEqual(png(640, 427));
    const last = events.filter((e) => e.kind === 'progress').at(-1);
    expect(last).toMatchObject({ bytesRead: last?.kind === 'progress' ? last.bytesTotal : -1 });
  });

  test('matches by relative path when basenames repeat (folder pick)', async () => {
    const data = {
      images: [
        { id: 1, file_name: 'train/a.jpg' },
        { id: 2, file_name: 'val/a.jpg' },
      ],
      annotations: [
        { image_id: 1, caption: 'train a' },
        { image_id: 2, caption: 'val a' },
      ],
    };
    const images = [
      picked('a.jpg', png(1, 1), 'coco/val/a.jpg'),
      picked('a.jpg', png(2, 2), 'coco/train/a.jpg'),
    ];
    const { pairs } = await run(json(data), images);
    expect(pairs.map((p) => [p.key, p.source])).toEqual([
      ['1', 'coco/train/a.jpg'],
      ['2', 'coco/val/a.jpg'],
    ]);
  });

  test('missing image file, image without captions, bad image bytes, orphan annotation → skips', async () => {
    const data = {
      images: [
        { id: 1, file_name: 'present.jpg' },
        { id: 2, file_name: 'absent.jpg' },
        { id: 3, file_name: 'uncaptioned.jpg' },
        { id: 4, file_name: 'garbage.jpg' },
      ],
      annotations: [
        { image_id: 1, caption: 'here' },
        { image_id: 2, caption: 'gone' },
        { image_id: 4, caption: 'not really an image' },
        { image_id: 99, caption: 'nobody' },
        { image_id: 3, caption: '   ' },
      ],
    };
    const images = [picked('present.jpg'), picked('uncaptioned.jpg'), picked('garbage.jpg', new TextEncoder().encode('nope'))];
    const { pairs, skips } = await run(json(data, 'c.json'), images);
    expect(pairs.map((p) => p.key)).toEqual(['1']);
    expect(skips).toEqual([
      { file: 'c.json: annotations[3]', reason: 'image_id 99 is not in "images"' },
      { file: 'absent.jpg', reason: 'image file not found among the picked files' },
      { file: 'uncaptioned.jpg', reason: 'no caption (no annotations for image id 3)' },
      { file: 'garbage.jpg', reason: 'not an image (unrecognised bytes)' },
    ]);
  });

  test('not JSON', async () => {
    const e = await importError(new File(['{"images": [}'], 'c.json'));
    expect(e.file).toBe('c.json');
    expect(e.reason).toMatch(/^not JSON: /);
  });

  test('wrong structure: clear messages naming the place', async () => {
    const cases: [unknown, string][] = [
      [[], 'malformed COCO JSON: the top level is not an object'],
      [{ annotations: [] }, 'malformed COCO JSON: "images" missing'],
      [{ images: {}, annotations: [] }, 'malformed COCO JSON: "images" is not an array'],
      [{ images: [] }, 'malformed COCO JSON: "annotations" missing'],
      [{ images: [{ file_name: 'a.jpg' }], annotations: [] }, 'malformed COCO JSON: images[0].id missing'],
      [{ images: [{ id: 1 }], annotations: [] }, 'malformed COCO JSON: images[0].file_name missing'],
      [
        { images: [{ id: 1, file_name: 'a.jpg' }, { id: 1, file_name: 'b.jpg' }], annotations: [] },
        'malformed COCO JSON: images[1].id 1 repeats images[0].id',
      ],
      [
        {
          images: [{ id: 1, file_name: 'a.jpg' }],
          annotations: [...Array.from({ length: 12 }, () => ({ image_id: 1, caption: 'x' })), { caption: 'y' }],
        },
        'malformed COCO JSON: annotations[12].image_id missing',
      ],
      [
        { images: [{ id: 1, file_name: 'a.jpg' }], annotations: [{ image_id: 1, caption: 5 }] },
        'malformed COCO JSON: annotations[0].caption is not a string',
      ],
    ];
    for (const [data, reason] of cases) {
      expect((await importError(json(data))).reason).toBe(reason);
      expect(() => parseCocoCaptions(JSON.stringify(data), 'x.json')).toThrow(reason);
    }
  });

  test('numeric and string ids match each other', () => {
    const parsed = parseCocoCaptions(
      JSON.stringify({ images: [{ id: 7, file_name: 'a.jpg' }], annotations: [{ image_id: '7', caption: 'seven' }] }),
      'x.json',
    );
    expect(parsed.captions.get('7')).toEqual(['seven']);
    expect(parsed.orphans).toEqual([]);
  });

  test('a captions file that is not UTF-8 is refused', async () => {
    const e = await importError(new File([new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])], 'c.json'));
    expect(e.reason).toBe('not valid UTF-8 text');
  });
});
