// Records of the checkpoint store (src/train/checkpointStore.ts) in the app's IndexedDB.
import type { ModelSummary } from '../../protocol/trainer';

/** A model in the library: its summary plus the pointer to its one current checkpoint. */
export interface ModelRecord extends ModelSummary {
  /** The complete checkpoint this model is at (switched only after a new one is written and verified). */
  checkpointId: string | null;
}

/** A complete, verified checkpoint: its bytes are `chunkCount` chunks of checkpointChunks. */
export interface CheckpointRecord {
  id: string;
  modelId: string;
  step: number;
  createdAt: string;
  bytes: number;
  chunkCount: number;
  /** Size of every chunk but the last. */
  chunkBytes: number;
  /** CRC-32 of each chunk, checked when the checkpoint is verified and read. */
  crc32: number[];
}

/** One piece of a checkpoint's .safetensors bytes; key `${checkpointId}/${index}` (index zero-padded). */
export interface CheckpointChunk {
  key: string;
  checkpointId: string;
  index: number;
  bytes: Uint8Array;
}
