// The Models library commands (list, rename, delete, export as a model file or for open_clip, import), answered from the
// trainer worker, which owns the checkpoint store. A refused import reports the file and the
// reason and stores nothing; every change is followed by a fresh list.
import type { ClipLabDatabase } from '../data/db';
import type { Command, ModelSummary, Report } from '../protocol/trainer';
import { storageInfo } from '../data/store/storageInfo';
import { checkpointBlob, deleteModelRecord, getModelCheckpoint, listModelRecords, renameModelRecord } from '../train/checkpointStore';
import { importModelFile, loadStoredWeights } from '../train/runStorage';
import { openClipFolderTar } from '../model/checkpoints/openClipFolder';
import { slugOf } from '../util/slug';

type LibraryCommand = Extract<Command, { type: 'listModels' | 'renameModel' | 'deleteModel' | 'exportModel' | 'exportOpenClip' | 'importModel' }>;

/** A file name from a model name: lower case, [a-z0-9-] only. */
export function fileNameFor(name: string, step: number): string {
  return `${slugOf(name)}-step${step}.safetensors`;
}

export class ModelLibrary {
  constructor(
    private readonly db: () => Promise<ClipLabDatabase>,
    private readonly post: (r: Report) => void,
    /** The run the trainer holds now (not offered for resuming). */
    private readonly currentRunId: () => string | null,
  ) {}

  async handle(cmd: LibraryCommand): Promise<void> {
    const db = await this.db();
    switch (cmd.type) {
      case 'listModels':
        break;
      case 'renameModel':
        await renameModelRecord(db, cmd.id, cmd.name);
        break;
      case 'deleteModel':
        await deleteModelRecord(db, cmd.id);
        break;
      case 'exportModel': {
        const { model, checkpoint } = await getModelCheckpoint(db, cmd.id);
        const blob = await checkpointBlob(db, checkpoint);
        this.post({ type: 'modelFile', requestId: cmd.requestId, id: model.id, fileName: fileNameFor(model.name, checkpoint.step), blob });
        return;
      }
      case 'exportOpenClip': {
        // Refused (CheckpointError, every reason named) where the architecture does not map.
        const weights = await loadStoredWeights(db, cmd.id);
        const { fileName, blob } = openClipFolderTar(weights);
        this.post({ type: 'modelFile', requestId: cmd.requestId, id: cmd.id, fileName, blob });
        return;
      }
      case 'importModel':
        try {
          const record = await importModelFile(db, cmd.file, cmd.file.name);
          this.post({ type: 'modelImport', requestId: cmd.requestId, fileName: cmd.file.name, ok: true, model: summaryOf(record) });
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          this.post({ type: 'modelImport', requestId: cmd.requestId, fileName: cmd.file.name, ok: false, error: message.startsWith(cmd.file.name) ? message : `${cmd.file.name}: ${message}` });
        }
        break;
    }
    await this.postList(db);
  }

  private async postList(db: ClipLabDatabase): Promise<void> {
    const list = (await listModelRecords(db)).map(summaryOf);
    const current = this.currentRunId();
    const resumable = list.find((m) => m.kind === 'run' && m.resumable && !m.finished && m.id !== current) ?? null;
    this.post({ type: 'models', list, resumable, storage: await storageInfo().catch(() => null) });
  }
}

function summaryOf(r: ModelSummary & { checkpointId?: unknown }): ModelSummary {
  const { checkpointId: _c, ...summary } = r;
  return summary;
}
