// Files from a drop: plain files as they are, folders walked recursively through the
// (webkit) File and Directory Entries API. Hidden files inside folders (.DS_Store, …)
// are left out.

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** All entries of a directory (readEntries answers in batches until an empty one). */
async function readAll(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const out: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

async function walk(entry: FileSystemEntry, out: File[], inFolder: boolean): Promise<void> {
  if (inFolder && entry.name.startsWith('.')) return;
  if (entry.isFile) {
    out.push(await fileOf(entry as FileSystemFileEntry));
  } else if (entry.isDirectory) {
    const children = await readAll(entry as FileSystemDirectoryEntry);
    children.sort((a, b) => a.name.localeCompare(b.name));
    for (const child of children) {
      try {
        await walk(child, out, true);
      } catch {
        /* an unreadable file: the rest still counts */
      }
    }
  }
}

export interface DroppedFiles {
  files: File[];
  /** Name of the first dropped folder, if any (a default dataset name). */
  folderName: string | null;
}

/**
 * Collects the files of a drop. Must be called synchronously inside the drop handler:
 * DataTransfer items are only readable during the event; the walk itself is async.
 */
export function collectDroppedFiles(dt: DataTransfer): Promise<DroppedFiles> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (entries.length === 0 && loose.length === 0) loose.push(...Array.from(dt.files ?? []));
  const folderName = entries.find((e) => e.isDirectory)?.name ?? null;
  return (async () => {
    const files: File[] = [...loose];
    for (const e of entries) {
      try {
        await walk(e, files, false);
      } catch {
        /* an unreadable entry: the rest still counts */
      }
    }
    return { files, folderName };
  })();
}

/** A key that tells selected files apart (the same file picked twice counts once). */
export function fileKey(f: File): string {
  return `${f.webkitRelativePath || f.name}|${f.size}|${f.lastModified}`;
}
