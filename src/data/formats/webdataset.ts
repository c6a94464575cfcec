// WebDataset sample grouping, as written by img2dataset and read by the `webdataset`
// Python library: a sample is the run of consecutive tar members sharing a key, where
// key = the path up to the first '.' of the basename (directory kept) and the
// extension = the rest, lower-cased ("a/000123.jpg" -> key "a/000123", ext "jpg").
// Pure format logic; turning samples into pairs and skips is import/webdatasetImporter.ts.

import type { TarEntry } from './tarReader';

export type WdsRole = 'image' | 'caption' | 'meta';

const ROLES: Record<string, WdsRole> = {
  jpg: 'image',
  jpeg: 'image',
  png: 'image',
  webp: 'image',
  gif: 'image',
  bmp: 'image',
  txt: 'caption',
  json: 'meta',
};

/** Splits a member path into sample key and (lower-cased) extension; ext is '' when there is no dot. */
export function webdatasetName(path: string): { key: string; ext: string } {
  const p = path.replace(/^(\.\/)+/, '');
  const slash = p.lastIndexOf('/');
  const dir = p.slice(0, slash + 1);
  const base = p.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot < 0) return { key: p, ext: '' };
  return { key: dir + base.slice(0, dot), ext: base.slice(dot + 1).toLowerCase() };
}

/**
 * The role of a member, or null for anything else: other extensions, names without a
 * key (basename starting with '.', such as macOS "._x.jpg" resource forks) or none.
 */
export function webdatasetRole(path: string): WdsRole | null {
  const { key, ext } = webdatasetName(path);
  if (key === '' || key.endsWith('/')) return null;
  return ROLES[ext] ?? null;
}

export interface WdsMember {
  name: string;
  ext: string;
  role: WdsRole;
  bytes: Uint8Array;
  size: number;
  /** The tar reader was told not to keep the data (bytes is empty); see ReadTarOptions.skipData. */
  skipped?: true;
}

export interface WdsSample {
  key: string;
  members: WdsMember[];
}

export type WdsItem =
  | { kind: 'sample'; sample: WdsSample }
  /** A member with no role (see webdatasetRole); it does not break up the sample around it. */
  | { kind: 'unrecognised'; name: string; key: string }
  /**
   * The sample that was being collected when the archive failed; the error is thrown
   * right after this item. Its members are intact but others of the key may be lost.
   */
  | { kind: 'partial'; sample: WdsSample };

/**
 * Groups a tar's members into samples, streaming: a sample is emitted as soon as a
 * member with another key arrives (or the archive ends), so only one sample is held.
 * A key that comes back later is emitted again as a separate sample; telling that
 * apart as a duplicate is the caller's job (it spans shards).
 */
export async function* groupWebDataset(entries: AsyncIterable<TarEntry>): AsyncGenerator<WdsItem> {
  let current: WdsSample | null = null;
  try {
    for await (const e of entries) {
      const role = webdatasetRole(e.name);
      const { key, ext } = webdatasetName(e.name);
      if (role === null) {
        yield { kind: 'unrecognised', name: e.name, key };
        continue;
      }
      if (current && current.key !== key) {
        const done: WdsSample = current;
        current = null;
        yield { kind: 'sample', sample: done };
      }
      current ??= { key, members: [] };
      current.members.push({ name: e.name, ext, role, bytes: e.bytes, size: e.size, ...(e.skipped ? { skipped: true } : {}) });
    }
  } catch (err) {
    if (current) yield { kind: 'partial', sample: current };
    throw err;
  }
  if (current) yield { kind: 'sample', sample: current };
}
