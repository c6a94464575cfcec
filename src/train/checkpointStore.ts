// Checkpoints in the browser's IndexedDB, written from the trainer worker. A checkpoint is the
// run's model file (modelFile.ts: .safetensors bytes) cut into CHUNK_BYTES chunks.
//
// Atomic: a model record points at its one complete checkpoint. A new checkpoint is written
// under its own id (each chunk in its own transaction, tensor by tensor, so memory holds one
// tensor and one chunk, never a second copy of the model), then verified (every chunk read back:
// length and CRC-32), then ONE transaction adds its record and switches the model's pointer;
// only then are the previous checkpoint's chunks deleted. A failure before the switch (quota
// exceeded, a tab closed mid-write) leaves the previous checkpoint as it was: the new chunks are
// deleted at once, or, when the tab died, by cleanCheckpoints() on the next start (the writer's
// Web Lock tells a write in progress from an abandoned one).
import type { ClipLabDatabase } from '../data/db';
import type { SuiteResult } from '../protocol/inference';
import type { CheckpointChunk, CheckpointRecord, ModelRecord } from '../data/store/checkpointTypes';
import { withWriteLock, writerAlive } from '../data/store/writeLocks';
import type { TensorEntry } from '../model/files/safetensorsFormat';
import type { ByteSource } from '../model/files/safetensorsReader';
import { crc32 } from '../util/crc32';
import type { SnapshotTensor } from './runSnapshot';

export const CHUNK_BYTES = 4 << 20;

/** Test hook: the next `failChunkWrites` chunk writes throw QuotaExceededError (e2e quota test). */
export const checkpointFaults = { failChunkWrites: 0 };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const chunkKey = (checkpointId: string, index: number) => `${checkpointId}/${String(index).padStart(6, '0')}`;

export function newCheckpointId(): string {
  return `ckpt-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Collects bytes into fixed-size chunks and hands each full chunk to `put` (awaited). */
export class ChunkedWriter {
  private buf: Uint8Array;
  private fill = 0;
  readonly crcs: number[] = [];
  bytes = 0;

  constructor(
    private readonly put: (index: number, bytes: Uint8Array) => Promise<void>,
    private readonly chunkBytes = CHUNK_BYTES,
  ) {
    this.buf = new Uint8Array(chunkBytes);
  }

  async write(src: Uint8Array): Promise<void> {
    let off = 0;
    while (off < src.length) {
      const n = Math.min(this.chunkBytes - this.fill, src.length - off);
      this.buf.set(src.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
      if (this.fill === this.chunkBytes) await this.flush();
    }
    this.bytes += src.length;
  }

  private async flush(): Promise<void> {
    if (this.fill === 0) return;
    const chunk = this.buf.slice(0, this.fill);
    this.crcs.push(crc32(chunk));
    this.fill = 0;
    await this.put(this.crcs.length - 1, chunk);
  }

  /** Writes the last partial chunk; returns the chunk count. */
  async close(): Promise<number> {
    await this.flush();
    return this.crcs.length;
  }
}

/** Little-endian bytes of a tensor's values (a view where the platform is little-endian). */
export function valueBytes(values: Float32Array | Int32Array): Uint8Array {
  const view = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN) return view;
  const out = new Uint8Array(view.length);
  for (let i = 0; i < view.length; i += 4) for (let k = 0; k < 4; k++) out[i + k] = view[i + 3 - k]!;
  return out;
}

/** Streams a planned file (header, then each tensor in plan order) into `writer`; `onTensor` after each (it may throw to cancel). */
export async function writePlannedFile(
  writer: ChunkedWriter,
  header: Uint8Array,
  entries: readonly TensorEntry[],
  tensors: readonly SnapshotTensor[],
  onTensor?: (done: number, total: number) => void,
): Promise<void> {
  await writer.write(header);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  for (const [k, e] of entries.entries()) {
    const t = byName.get(e.name);
    if (!t) throw new Error(`checkpoint: no values for tensor ${e.name}`);
    const bytes = valueBytes(await t.read());
    if (bytes.length !== e.end - e.begin) throw new Error(`checkpoint: tensor ${e.name} has ${bytes.length} bytes, planned ${e.end - e.begin}`);
    await writer.write(bytes);
    onTensor?.(k + 1, entries.length);
  }
}

function quotaError(): DOMException {
  return new DOMException('Injected: the quota for this origin was exceeded', 'QuotaExceededError');
}

/** Why a write failed, in words a user can act on. */
export function describeWriteError(e: unknown): string {
  const name = (e as { name?: string })?.name;
  if (name === 'QuotaExceededError') return 'the browser storage is full (quota exceeded): free space in the Models or Data tab';
  return e instanceof Error ? e.message : String(e);
}

async function deleteChunks(db: ClipLabDatabase, checkpointId: string): Promise<void> {
  const tx = db.transaction('checkpointChunks', 'readwrite');
  const keys = await tx.store.index('byCheckpoint').getAllKeys(checkpointId);
  await Promise.all([...keys.map((k) => tx.store.delete(k)), tx.done]);
}

/** Reads every chunk back and checks its length and CRC-32 (throws on a mismatch). */
async function verifyChunks(db: ClipLabDatabase, checkpointId: string, crcs: readonly number[], total: number): Promise<void> {
  let bytes = 0;
  for (let i = 0; i < crcs.length; i++) {
    const c = await db.get('checkpointChunks', chunkKey(checkpointId, i));
    if (!c) throw new Error(`checkpoint verification: chunk ${i} is missing`);
    if (crc32(c.bytes) !== crcs[i]) throw new Error(`checkpoint verification: chunk ${i} reads back different bytes`);
    bytes += c.bytes.length;
  }
  if (bytes !== total) throw new Error(`checkpoint verification: ${bytes} bytes stored, ${total} written`);
}

export interface WriteCheckpointInput {
  /** The model record after this checkpoint (its checkpointId and bytes are filled in here). */
  model: Omit<ModelRecord, 'checkpointId' | 'bytes'>;
  step: number;
  /** Streams the file's bytes into the writer. */
  write: (writer: ChunkedWriter) => Promise<void>;
  /** Default CHUNK_BYTES (tests use small chunks). */
  chunkBytes?: number;
}

/**
 * Writes a checkpoint and switches the model to it (see the file comment). On failure the new
 * chunks are removed, the model keeps its previous checkpoint, and the error says so.
 */
export async function writeCheckpoint(db: ClipLabDatabase, input: WriteCheckpointInput): Promise<{ model: ModelRecord; checkpoint: CheckpointRecord }> {
  const id = newCheckpointId();
  return withWriteLock(id, async () => {
    const put = async (index: number, bytes: Uint8Array) => {
      if (checkpointFaults.failChunkWrites > 0) {
        checkpointFaults.failChunkWrites--;
        throw quotaError();
      }
      const chunk: CheckpointChunk = { key: chunkKey(id, index), checkpointId: id, index, bytes };
      await db.put('checkpointChunks', chunk);
    };
    const chunkBytes = input.chunkBytes ?? CHUNK_BYTES;
    const writer = new ChunkedWriter(put, chunkBytes);
    let record: CheckpointRecord;
    try {
      await input.write(writer);
      const chunkCount = await writer.close();
      await verifyChunks(db, id, writer.crcs, writer.bytes);
      record = { id, modelId: input.model.id, step: input.step, createdAt: new Date().toISOString(), bytes: writer.bytes, chunkCount, chunkBytes, crc32: [...writer.crcs] };
    } catch (e) {
      await deleteChunks(db, id).catch(() => undefined);
      throw e;
    }
    // The switch: one transaction, so the model points at the old or the new checkpoint, never at neither.
    const tx = db.transaction(['models', 'checkpoints'], 'readwrite');
    const before = await tx.objectStore('models').get(input.model.id);
    const previous = before?.checkpointId ?? null;
    // Evaluations made on the model (the suite) stay with it across its checkpoints.
    const evaluations = input.model.evaluations ?? before?.evaluations;
    const model: ModelRecord = { ...input.model, ...(evaluations ? { evaluations } : {}), checkpointId: id, bytes: record.bytes };
    await Promise.all([tx.objectStore('checkpoints').put(record), tx.objectStore('models').put(model), tx.done]);
    if (previous && previous !== id) await removeCheckpoint(db, previous).catch(() => undefined);
    return { model, checkpoint: record };
  });
}

async function removeCheckpoint(db: ClipLabDatabase, checkpointId: string): Promise<void> {
  await db.delete('checkpoints', checkpointId);
  await deleteChunks(db, checkpointId);
}

/** A checkpoint's bytes as a ByteSource (chunks read on demand, CRC-checked, the last one cached). */
export function checkpointSource(db: ClipLabDatabase, record: CheckpointRecord): ByteSource {
  const { chunkBytes } = record;
  let cached: { index: number; bytes: Uint8Array } | null = null;
  const chunk = async (i: number): Promise<Uint8Array> => {
    if (cached?.index === i) return cached.bytes;
    const c = await db.get('checkpointChunks', chunkKey(record.id, i));
    if (!c) throw new Error(`checkpoint ${record.id}: chunk ${i} is missing`);
    if (crc32(c.bytes) !== record.crc32[i]) throw new Error(`checkpoint ${record.id}: chunk ${i} is corrupt (CRC mismatch)`);
    cached = { index: i, bytes: c.bytes };
    return c.bytes;
  };
  return {
    size: record.bytes,
    async read(begin: number, end: number): Promise<Uint8Array> {
      if (begin < 0 || end > record.bytes || begin > end) throw new RangeError(`checkpoint read [${begin}, ${end}) outside ${record.bytes} bytes`);
      const out = new Uint8Array(end - begin);
      for (let pos = begin; pos < end; ) {
        const i = Math.floor(pos / chunkBytes);
        const c = await chunk(i);
        const off = pos - i * chunkBytes;
        const n = Math.min(c.length - off, end - pos);
        out.set(c.subarray(off, off + n), pos - begin);
        pos += n;
      }
      return out;
    },
  };
}

/** The whole checkpoint as a Blob (chunks as parts: the browser may keep them out of the JS heap). */
export async function checkpointBlob(db: ClipLabDatabase, record: CheckpointRecord): Promise<Blob> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < record.chunkCount; i++) {
    const c = await db.get('checkpointChunks', chunkKey(record.id, i));
    if (!c || crc32(c.bytes) !== record.crc32[i]) throw new Error(`checkpoint ${record.id}: chunk ${i} is missing or corrupt`);
    parts.push(c.bytes);
  }
  return new Blob(parts as BlobPart[], { type: 'application/octet-stream' });
}

export async function listModelRecords(db: ClipLabDatabase): Promise<ModelRecord[]> {
  const list = await db.getAll('models');
  return list.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

export async function getModelCheckpoint(db: ClipLabDatabase, modelId: string): Promise<{ model: ModelRecord; checkpoint: CheckpointRecord }> {
  const model = await db.get('models', modelId);
  if (!model) throw new Error(`No saved model ${modelId} (deleted?)`);
  const checkpoint = model.checkpointId ? await db.get('checkpoints', model.checkpointId) : undefined;
  if (!checkpoint) throw new Error(`${model.name} has no stored checkpoint`);
  return { model, checkpoint };
}

export async function renameModelRecord(db: ClipLabDatabase, modelId: string, name: string): Promise<void> {
  const clean = name.trim();
  if (!clean) throw new Error('A model needs a name');
  const tx = db.transaction('models', 'readwrite');
  const m = await tx.store.get(modelId);
  if (!m) throw new Error(`No saved model ${modelId}`);
  await Promise.all([tx.store.put({ ...m, name: clean.slice(0, 120) }), tx.done]);
}

/** Evaluation results kept per model at most (the oldest go first). */
export const MAX_EVALUATIONS = 20;

/** Adds an evaluation-suite result to a model's record; false when there is no such record. */
export async function appendModelEvaluation(db: ClipLabDatabase, modelId: string, result: SuiteResult): Promise<boolean> {
  const tx = db.transaction('models', 'readwrite');
  const m = await tx.store.get(modelId);
  if (!m) {
    await tx.done;
    return false;
  }
  const evaluations = [...(m.evaluations ?? []), result].slice(-MAX_EVALUATIONS);
  await Promise.all([tx.store.put({ ...m, evaluations }), tx.done]);
  return true;
}

/** Deletes a model and its checkpoint (record first: a half-deleted checkpoint is an orphan that cleanup removes). */
export async function deleteModelRecord(db: ClipLabDatabase, modelId: string): Promise<void> {
  const m = await db.get('models', modelId);
  if (!m) return;
  await db.delete('models', modelId);
  if (m.checkpointId) await removeCheckpoint(db, m.checkpointId);
}

/**
 * Removes what an interrupted write or delete left behind: chunks of checkpoints that no record
 * describes (unless their writer still holds its lock) and records no model points at.
 */
export async function cleanCheckpoints(db: ClipLabDatabase): Promise<number> {
  const models = await db.getAll('models');
  const live = new Set(models.map((m) => m.checkpointId).filter((x): x is string => !!x));
  let removed = 0;
  for (const c of await db.getAll('checkpoints')) {
    if (live.has(c.id)) continue;
    await removeCheckpoint(db, c.id);
    removed++;
  }
  const recorded = new Set((await db.getAllKeys('checkpoints')) as string[]);
  const orphans = new Set<string>();
  for (const key of (await db.getAllKeys('checkpointChunks')) as string[]) {
    const id = key.slice(0, key.lastIndexOf('/'));
    if (!recorded.has(id)) orphans.add(id);
  }
  for (const id of orphans) {
    if (await writerAlive(id)) continue;
    await deleteChunks(db, id);
    removed++;
  }
  return removed;
}
