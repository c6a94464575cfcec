import { collectImport } from './helpers/collectImport';
import { describe, expect, test } from 'vitest';
import { captionFileFormat, csvRecords, parseCaptionFile, type CaptionFileRow } from '../src/data/formats/captionFile';
import { importCaptionFile } from '../src/data/import/captionFileImporter';
import { ImportError } from '../src/data/import/types';
import { pngHeader as png } from './helpers/bytes';

function picked(name: string, relativePath?: string): File {
  const f = new File([png()], name);
  if (relativePath) Object.defineProperty(f, 'webkitRelativePath', { value: relativePath });
  return f;
}

const run = (mapping: File, images: File[]) => collectImport(importCaptionFile(mapping, images));

const rows = (text: string, format: 'csv' | 'tsv' | 'jsonl'): CaptionFileRow[] => [...parseCaptionFile(text, format, 'f')];

describe('CSV parsing (RFC 4180)', () => {
  test('quotes, embedded commas, newlines and doubled quotes; line numbers of record starts', () => {
    const text =
      'file,caption\r\n' +
      'a.jpg,"a cat, sitting"\r\n' +
      '"b.jpg","a ""quoted"" dog"\r\n' +
      'c.jpg,"two\nlines"\n' +
      '\n' +
      'd.jpg,plain text,extra column\n' +
      'e.jpg,"no end quote\n';
    expect(rows(text, 'csv')).toEqual([
      { kind: 'row', line: 2, file: 'a.jpg', captions: ['a cat, sitting'] },
      { kind: 'row', line: 3, file: 'b.jpg', captions: ['a "quoted" dog'] },
      { kind: 'row', line: 4, file: 'c.jpg', captions: ['two\nlines'] },
      { kind: 'row', line: 7, file: 'd.jpg', captions: ['plain text'] },
      { kind: 'error', line: 8, reason: 'unterminated quoted field (no closing quote before the end of the file)' },
    ]);
  });

  test('text after a closing quote is an error for that record only', () => {
    expect([...csvRecords('"a"b,c\nd,e')]).toEqual([
      { line: 1, reason: 'unexpected text after a closing quote' },
      { line: 2, fields: ['d', 'e'] },
    ]);
  });

  test('header detection: any case, any column order, synonyms; no header → first two columns', () => {
    expect(rows('\uFEFFCaption,Image Path,id\nhello,x.png,1\n', 'csv')).toEqual([
      { kind: 'row', line: 2, file: 'x.png', captions: ['hello'] },
    ]);
    expect(rows('x.png,hello\ny.png,world', 'csv').map((r) => r.kind === 'row' && r.file)).toEqual(['x.png', 'y.png']);
    expect(() => rows('image,label\nx.png,3\n', 'csv')).toThrow(ImportError);
    expect(() => rows('image,label\nx.png,3\n', 'csv')).toThrow(/header row has no caption column/);
  });

  test('short rows and empty file names are per-line errors', () => {
    expect(rows('a.jpg\n,caption\nb.jpg,ok', 'csv')).toEqual([
      { kind: 'error', line: 1, reason: 'expected at least 2 columns, found 1' },
      { kind: 'error', line: 2, reason: 'no file name' },
      { kind: 'row', line: 3, file: 'b.jpg', captions: ['ok'] },
    ]);
  });
});

describe('TSV and JSONL parsing', () => {
  test('TSV: tabs, quotes kept literally, header optional', () => {
    expect(rows('image\ttext\na.jpg\tsays "hi", twice\n\nb.jpg\tx\r\n', 'tsv')).toEqual([
      { kind: 'row', line: 2, file: 'a.jpg', captions: ['says "hi", twice'] },
      { kind: 'row', line: 4, file: 'b.jpg', captions: ['x'] },
    ]);
    expect(rows('a.jpg\tfirst\n', 'tsv')).toEqual([{ kind: 'row', line: 1, file: 'a.jpg', captions: ['first'] }]);
  });

  test('JSONL: file-ish and caption-ish keys, caption arrays, bad lines', () => {
    const text = [
      '{"file_name": "a.jpg", "caption": "one"}',
      '{"Image": "b.jpg", "captions": ["two", "three"]}',
      '{not json}',
      '[1, 2]',
      '{"caption": "no file"}',
      '{"file": "c.jpg", "label": 3}',
      '',
      '{"path": "d.jpg", "text": "four"}',
    ].join('\n');
    const got = rows(text, 'jsonl');
    expect(got[0]).toEqual({ kind: 'row', line: 1, file: 'a.jpg', captions: ['one'] });
    expect(got[1]).toEqual({ kind: 'row', line: 2, file: 'b.jpg', captions: ['two', 'three'] });
    expect(got[2]).toMatchObject({ kind: 'error', line: 3 });
    expect(got[2].kind === 'error' && got[2].reason).toMatch(/^not JSON: /);
    expect(got[3]).toEqual({ kind: 'error', line: 4, reason: 'not a JSON object' });
    expect(got[4].kind === 'error' && got[4].reason).toMatch(/^no file name/);
    expect(got[5].kind === 'error' && got[5].reason).toMatch(/^no caption/);
    expect(got[6]).toEqual({ kind: 'row', line: 8, file: 'd.jpg', captions: ['four'] });
  });

  test('format from the extension, else sniffed', () => {
    expect(captionFileFormat('x.CSV', '')).toBe('csv');
    expect(captionFileFormat('x.tsv', '')).toBe('tsv');
    expect(captionFileFormat('x.ndjson', '')).toBe('jsonl');
    expect(captionFileFormat('x.txt', '\n{"file": "a"}')).toBe('jsonl');
    expect(captionFileFormat('x.txt', 'a.jpg\tcap')).toBe('tsv');
    expect(captionFileFormat('x.txt', 'a.jpg,cap')).toBe('csv');
  });
});

describe('importCaptionFile', () => {
  test('CSV: several rows per image become several captions; skips name file and line', async () => {
    const csv = new File(
      [
        'filename,caption\n' +
          'cat.jpg,"A cat,\nsleeping"\n' +
          'dog.jpg,a dog\n' +
          'cat.jpg,  a  cafe\u0301 cat \n' +
          'cat.jpg,"A cat, sleeping"\n' + // same caption after normalisation: kept once
          'ghost.jpg,nobody\n' +
          'ghost.jpg,still nobody\n' +
          'dog.jpg,"   "\n' +
          'dog.jpg,"broken\n',
      ],
      'captions.csv',
    );
    const { events, pairs, skips } = await run(csv, [picked('cat.jpg'), picked('dog.jpg'), picked('unused.jpg')]);
    expect(pairs.map((p) => [p.key, p.captions])).toEqual([
      ['cat.jpg', ['A cat, sleeping', 'a caf\u00e9 cat']],
      ['dog.jpg', ['a dog']],
    ]);
    expect(skips).toEqual([
      // line 2 holds a quoted newline, so the cat row spans lines 2–3
      { file: 'captions.csv line 7: ghost.jpg', reason: 'image file not found among the picked files' },
      { file: 'captions.csv line 9', reason: 'empty caption' },
      { file: 'captions.csv line 10', reason: 'unterminated quoted field (no closing quote before the end of the file)' },
    ]);
    const progress = events.filter((e) => e.kind === 'progress');
    expect(progress.at(-1)).toMatchObject({ bytesRead: csv.size + 2 * 33, bytesTotal: csv.size + 2 * 33 });
  });

  test('TSV without header, paths matched against a folder pick', async () => {
    const tsv = new File(['imgs/a/1.png\tfirst one\nimgs/b/1.png\tsecond one\n/abs/elsewhere/2.png\tthird\n'], 'map.tsv');
    const images = [picked('1.png', 'set/imgs/a/1.png'), picked('1.png', 'set/imgs/b/1.png'), picked('2.png', 'set/2.png')];
    const { pairs, skips } = await run(tsv, images);
    expect(skips).toEqual([]);
    expect(pairs.map((p) => [p.source, p.captions[0]])).toEqual([
      ['set/imgs/a/1.png', 'first one'],
      ['set/imgs/b/1.png', 'second one'],
      ['set/2.png', 'third'],
    ]);
  });

  test('JSONL with bad lines', async () => {
    const jsonl = new File(['{"image": "a.jpg", "text": "alpha"}\n{oops\n{"text": "no file"}\n'], 'm.jsonl');
    const { pairs, skips } = await run(jsonl, [picked('a.jpg')]);
    expect(pairs.map((p) => p.key)).toEqual(['a.jpg']);
    expect(skips.map((s) => s.file)).toEqual(['m.jsonl line 2', 'm.jsonl line 3']);
    expect(skips[0].reason).toMatch(/^not JSON/);
    expect(skips[1].reason).toMatch(/^no file name/);
  });

  test('ambiguous basenames without paths are skipped, not guessed', async () => {
    const csv = new File(['a.jpg,x\n'], 'm.csv');
    const { pairs, skips } = await run(csv, [picked('a.jpg'), picked('a.jpg')]);
    expect(pairs).toEqual([]);
    expect(skips[0].reason).toMatch(/^ambiguous: 2 picked files/);
  });
});
