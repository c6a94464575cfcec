// Where the Gap lab's recordings come from besides the live run: a stored model of the library (its
// probe snapshot, embedded by the inference worker, which then holds that model for the Try view
// too), and untrained towers of the studied model's architecture (the cone lesson).
import type { GapRecordReport } from '../../../protocol/inference';
import { newRequestId } from '../../../protocol/requests';
import { inferenceRequest, loadModel } from '../../inferenceClient';
import { useGap } from '../../stores/gapStore';
import { useTry } from '../../stores/tryStore';

/**
 * Loads a library model and records its probe on `datasetId` (default: the model's own dataset; a
 * CLIP checkpoint has none here, so any stored dataset: its images are resized to the model's input).
 */
export async function showStoredModel(id: string, datasetId?: string): Promise<void> {
  const gap = useGap.getState();
  gap.setSource('stored');
  gap.setStored(null);
  await loadModel({ kind: 'stored', id });
  const t = useTry.getState();
  if (t.loadError) throw new Error(t.loadError);
  const m = t.model;
  if (!m || m.modelId !== id) throw new Error('The model could not be loaded');
  const data = datasetId || (m.datasetStored ? m.datasetId : '');
  if (!data) throw new Error(`${m.name}: its dataset (${m.datasetName}) is not in the browser storage, so there are no probe pairs to embed; choose a dataset (or import one in the Data tab)`);
  const r = await inferenceRequest<GapRecordReport>({ type: 'gapRecord', requestId: newRequestId('gr'), datasetId: data, seeds: [] });
  useGap.getState().setStored({ ownerId: `${id}@${m.step}`, ownerName: `${m.name} (step ${m.step})`, probe: r.probe, snapshots: r.snapshots });
}

/**
 * The probe embedded by untrained models of the given seeds, with the architecture and tokenizer of
 * the model the Try worker holds (a fresh snapshot of the live run when `live`).
 */
export async function untrainedSnapshots(seeds: number[], live: boolean): Promise<GapRecordReport> {
  if (live || !useTry.getState().model) await loadModel({ kind: 'live' });
  const m = useTry.getState().model;
  if (!m) throw new Error(useTry.getState().loadError ?? 'Train or choose a model first');
  if (!m.datasetStored) throw new Error(`${m.name}: its dataset (${m.datasetName}) is not in the browser storage`);
  return inferenceRequest<GapRecordReport>({ type: 'gapRecord', requestId: newRequestId('gr'), datasetId: m.datasetId, seeds });
}
