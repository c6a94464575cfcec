// Finds the picked image file a caption source refers to (COCO "file_name", a CSV
// "file" column). The user picks files or a whole folder; a folder pick gives each
// File a webkitRelativePath ("myset/images/cat.jpg"). A reference matches a file whose
// relative path is it or ends with "/" + it; failing that, the one file with the same
// basename (so absolute paths from another machine still match).

/** Forward slashes, no leading "./" or "/". */
export function normaliseRef(ref: string): string {
  return ref.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** A file's path as picked: its relative path in a folder pick, else its name. */
export function pickedPath(f: File): string {
  const rel = (f as { webkitRelativePath?: string }).webkitRelativePath;
  return normaliseRef(rel || f.name);
}

export type Lookup = { file: File } | { missing: true } | { ambiguous: number };

export class PickedFiles {
  private readonly byBase = new Map<string, File[]>();

  constructor(files: readonly File[]) {
    for (const f of files) {
      const b = basename(pickedPath(f));
      const list = this.byBase.get(b);
      if (list) list.push(f);
      else this.byBase.set(b, [f]);
    }
  }

  find(ref: string): Lookup {
    const r = normaliseRef(ref);
    const candidates = this.byBase.get(basename(r)) ?? [];
    if (candidates.length === 0) return { missing: true };
    if (candidates.length === 1) return { file: candidates[0] };
    if (r.includes('/')) {
      const byPath = candidates.filter((f) => {
        const p = pickedPath(f);
        return p === r || p.endsWith(`/${r}`);
      });
      if (byPath.length === 1) return { file: byPath[0] };
      if (byPath.length > 1) return { ambiguous: byPath.length };
    }
    return { ambiguous: candidates.length };
  }
}

/** The skip reason for a failed lookup. */
export function lookupProblem(l: Exclude<Lookup, { file: File }>): string {
  return 'missing' in l
    ? 'image file not found among the picked files'
    : `ambiguous: ${l.ambiguous} picked files match this name (pick the folder so paths can tell them apart)`;
}
