// The Try view's state (a small zustand store of its own): which model is loaded in the inference
// worker, the labels and templates as typed, the image and where it came from, the latest zero-shot
// answer, the search index and results, and the evaluation suite's progress and session results.
// Plain data only: the embeddings stay in the worker.
import { create } from 'zustand';
import type { BackendInfo } from '../../protocol/trainer';
import type {
  CaptionsReport,
  IndexReport,
  InferenceProgressReport,
  LoadedModelInfo,
  SamplesReport,
  SearchReport,
  SuiteResult,
  ZeroShotReport,
} from '../../protocol/inference';

/** 'live': the current run (snapshots between steps); otherwise a library model id. */
export type ModelChoice = { kind: 'live' } | { kind: 'stored'; id: string };

export interface TryImage {
  key: string;
  /** How the user gave it, in words ("drawing", "photo.jpg", "validation image 12", …). */
  label: string;
  rgb: Uint8Array;
  size: number;
  original: { width: number; height: number } | null;
}

export interface Job {
  requestId: string;
  progress: InferenceProgressReport | null;
}

export interface TryState {
  backend: BackendInfo | null;
  choice: ModelChoice | null;
  model: LoadedModelInfo | null;
  loading: boolean;
  loadError: string | null;
  /** Take a fresh snapshot of the live run every few seconds while it trains. */
  follow: boolean;

  labelsText: string;
  templatesText: string;
  /** Which template the single-template column uses. */
  singleTemplate: number;
  /** Whether the user edited the templates (a new model's ensemble then does not replace them). */
  templatesEdited: boolean;
  labelsEdited: boolean;
  topK: number;

  image: TryImage | null;
  imageError: string | null;
  result: ZeroShotReport | null;
  resultError: string | null;
  scoring: boolean;

  samples: SamplesReport | null;
  index: IndexReport | null;
  indexJob: Job | null;
  indexError: string | null;
  search: SearchReport | null;
  searchError: string | null;
  captions: CaptionsReport | null;

  suiteJob: Job | null;
  suiteError: string | null;
  /** Suite results of this session (also stored with the model when it has a record). */
  suites: SuiteResult[];

  set: (patch: Partial<TryState>) => void;
}

export const useTry = create<TryState>()((set) => ({
  backend: null,
  choice: null,
  model: null,
  loading: false,
  loadError: null,
  follow: true,
  labelsText: '',
  templatesText: '',
  singleTemplate: 0,
  templatesEdited: false,
  labelsEdited: false,
  topK: 10,
  image: null,
  imageError: null,
  result: null,
  resultError: null,
  scoring: false,
  samples: null,
  index: null,
  indexJob: null,
  indexError: null,
  search: null,
  searchError: null,
  captions: null,
  suiteJob: null,
  suiteError: null,
  suites: [],
  set: (patch) => set(patch),
}));

/** Labels to prefill for a model: its dataset's classes (a spread of at most `max` of them). */
export function defaultLabels(classes: readonly string[], max = 10): string[] {
  if (classes.length <= max) return [...classes];
  const step = classes.length / max;
  return Array.from({ length: max }, (_, i) => classes[Math.floor(i * step)]!);
}
