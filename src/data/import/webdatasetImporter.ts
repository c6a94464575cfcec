// Turns WebDataset shards (.tar, .tar.gz/.tgz; img2dataset's layout: key.jpg|png|webp +
// key.txt + optional key.json) into import events. One shard failing (corrupt or cut
// short) costs only the rest of that shard: its earlier pairs stay, and the next shard
// is read. Format details are in formats/tarReader.ts and formats/webdataset.ts.

import { cleanCaptions, decodeUtf8Strict, normaliseCaptionText } from '../formats/captionText';
import { openMaybeGzip } from '../formats/openMaybeGzip';
import { readTar } from '../formats/tarReader';
import { groupWebDataset, webdatasetRole, type WdsSample } from '../formats/webdataset';
import { imageProblem } from './imageCheck';
import { ImportError, type ImportEvent } from './types';

export type NamedBlob = Blob & { readonly name: string };

/** Members larger than this are read past, not loaded: no usable image or caption is this big. */
export const MAX_MEMBER_BYTES = 256 * 2 ** 20;

export interface WebDatasetOptions {
  /** Overrides MAX_MEMBER_BYTES. */
  maxMemberBytes?: number;
}

/** Events for one complete sample; `seen` holds the keys used so far in this import. */
function* sampleEvents(sample: WdsSample, tarName: string, seen: Set<string>): Generator<ImportEvent> {
  const { key, members } = sample;
  const file = `${tarName}: ${key}`;
  const skip = (reason: string): ImportEvent => ({ kind: 'skip', skip: { file, reason } });
  if (seen.has(key)) {
    yield skip('duplicate key');
    return;
  }
  seen.add(key);

  const images = members.filter((m) => m.role === 'image');
  const captions = members.filter((m) => m.role === 'caption');
  const metas = members.filter((m) => m.role === 'meta');
  const image = images[0];
  const caption = captions[0];
  for (const extra of [...images.slice(1), ...captions.slice(1), ...metas.slice(1)]) {
    yield skip(`extra member ${extra.name} ignored (one per kind per key)`);
  }

  if (!image && !caption) {
    yield skip('metadata without an image or caption');
    return;
  }
  if (!image) {
    yield skip('caption without an image');
    return;
  }
  if (!caption) {
    yield skip(`no caption (${key}.txt missing)`);
    return;
  }
  const tooBig = [image, caption].find((m) => m.skipped);
  if (tooBig) {
    yield skip(`file too large (${tooBig.name}: ${tooBig.size} bytes)`);
    return;
  }
  if (image.bytes.length === 0 || caption.bytes.length === 0) {
    yield skip(`empty file (${image.bytes.length === 0 ? image.name : caption.name})`);
    return;
  }
  let text: string;
  try {
    text = normaliseCaptionText(decodeUtf8Strict(caption.bytes, file));
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    yield skip(e.reason);
    return;
  }
  if (text === '') {
    yield skip('empty caption (only whitespace)');
    return;
  }
  const problem = imageProblem(image.bytes);
  if (problem) {
    yield skip(problem);
    return;
  }

  let meta: unknown;
  const metaMember = metas[0];
  if (metaMember?.skipped) yield skip(`metadata ${metaMember.name} too large (${metaMember.size} bytes), ignored (pair kept)`);
  else if (metaMember) {
    try {
      meta = JSON.parse(decodeUtf8Strict(metaMember.bytes, file));
    } catch (e) {
      const why = e instanceof ImportError ? 'not valid UTF-8' : e instanceof Error ? e.message : String(e);
      yield skip(`metadata ${metaMember.name} is not valid JSON, ignored (pair kept): ${why}`);
    }
  }
  // Extra captions: CLIP Lab's own export (and some pipelines) list every caption of a
  // pair in key.json {"captions": [...]}; key.txt holds the first.
  const metaCaptions = (meta as { captions?: unknown } | undefined)?.captions;
  const extra = Array.isArray(metaCaptions) ? metaCaptions.filter((c): c is string => typeof c === 'string') : [];
  yield {
    kind: 'pair',
    pair: {
      key,
      source: `${tarName}: ${image.name}`,
      image: image.bytes,
      captions: cleanCaptions([text, ...extra]),
      ...(meta !== undefined ? { meta } : {}),
    },
  };
}

/**
 * Reads the shards in order, yielding pairs, skips and progress (compressed bytes
 * read over the total size of all shards). Keys must be unique across the import:
 * a key seen before is skipped as a duplicate.
 */
export async function* importWebDataset(
  files: readonly NamedBlob[],
  options: WebDatasetOptions = {},
): AsyncGenerator<ImportEvent> {
  const maxMemberBytes = options.maxMemberBytes ?? MAX_MEMBER_BYTES;
  const bytesTotal = files.reduce((s, f) => s + f.size, 0);
  const seen = new Set<string>();
  let before = 0; // bytes of the shards already done
  let shardBytes = 0;
  let reported = -1;
  const progress = function* (): Generator<ImportEvent> {
    const bytesRead = Math.min(bytesTotal, before + shardBytes);
    if (bytesRead !== reported) {
      reported = bytesRead;
      yield { kind: 'progress', bytesRead, bytesTotal };
    }
  };

  yield* progress();
  for (const shard of files) {
    const tarName = shard.name;
    shardBytes = 0;
    let members = 0;
    const stream = openMaybeGzip(shard, { fileName: tarName, onRawBytes: (n) => (shardBytes += n) });
    // Data of members that cannot become part of a pair is read past, never buffered.
    const entries = readTar(stream, tarName, {
      skipData: (name, size) => size > maxMemberBytes || webdatasetRole(name) === null,
    });
    try {
      for await (const item of groupWebDataset(entries)) {
        if (item.kind === 'unrecognised') {
          members++;
          yield { kind: 'skip', skip: { file: `${tarName}: ${item.key}`, reason: `unrecognised member ${item.name}` } };
          continue;
        }
        members += item.sample.members.length;
        if (item.kind === 'partial') {
          // Cut off by the damage that follows: keep it only if it already makes a pair.
          const known = seen.has(item.sample.key);
          const events = [...sampleEvents(item.sample, tarName, seen)];
          if (events.some((e) => e.kind === 'pair')) yield* events;
          else if (!known) seen.delete(item.sample.key);
          continue;
        }
        yield* sampleEvents(item.sample, tarName, seen);
        yield* progress();
      }
      if (members === 0) yield { kind: 'skip', skip: { file: tarName, reason: 'no files in the archive (empty)' } };
    } catch (e) {
      if (!(e instanceof ImportError)) throw e;
      yield { kind: 'skip', skip: { file: tarName, reason: e.reason } };
    }
    before += shard.size;
    shardBytes = 0;
    yield* progress();
  }
}
