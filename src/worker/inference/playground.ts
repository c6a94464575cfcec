// The zero-shot playground on one loaded model: images are decoded once and their embeddings kept
// by key; prompt embeddings are cached per prompt text, so typing a label encodes only the prompts
// of that label. Scores (docs/methods.md §7): w_c from the template ensemble (and from one template),
// cos_c = u · w_c, p = softmax(s · cos) at the model's logit scale s.
import { ensembleClassVectors, promptProblems, promptsFor } from '../../eval/templateEnsemble';
import { truncatedPrompts, zeroShotScores } from '../../eval/zeroShotScores';
import type { InferenceModel } from '../../model/inferenceModel';
import type { ZeroShotReport, ZeroShotSet } from '../../protocol/inference';

/** Kept image embeddings (the oldest goes first when full). */
const MAX_IMAGES = 64;
/** Kept prompt embeddings; the cache is cleared when it grows past this. */
const MAX_PROMPTS = 20_000;
/** More labels than this would be a list nobody reads; it also bounds the work per keystroke. */
export const MAX_LABELS = 200;
export const MAX_TEMPLATES = 100;

export class Playground {
  private readonly images = new Map<string, Float32Array>();
  private readonly prompts = new Map<string, Float32Array>();

  constructor(readonly model: InferenceModel) {}

  /** Embeds one preprocessed image (imageSize² RGB bytes) and keeps it under `key`. */
  async setImage(key: string, rgb: Uint8Array): Promise<void> {
    const u = await this.model.encodeImages(rgb, 1);
    this.images.delete(key);
    this.images.set(key, u);
    while (this.images.size > MAX_IMAGES) this.images.delete(this.images.keys().next().value!);
  }

  hasImage(key: string): boolean {
    return this.images.has(key);
  }

  /** Unit embeddings of the prompts (n × D), encoding only those not cached; returns how many were encoded. */
  async promptEmbeddings(prompts: readonly string[]): Promise<{ e: Float32Array; encoded: number }> {
    const D = this.model.embedDim;
    let missing = [...new Set(prompts.filter((p) => !this.prompts.has(p)))];
    if (this.prompts.size + missing.length > MAX_PROMPTS) {
      this.prompts.clear();
      missing = [...new Set(prompts)];
    }
    if (missing.length) {
      const v = await this.model.encodeTexts(missing);
      missing.forEach((p, i) => this.prompts.set(p, v.slice(i * D, (i + 1) * D)));
    }
    const e = new Float32Array(prompts.length * D);
    prompts.forEach((p, i) => e.set(this.prompts.get(p)!, i * D));
    return { e, encoded: missing.length };
  }

  async zeroShot(imageKey: string, labels: string[], templates: string[], singleTemplate: number): Promise<Omit<ZeroShotReport, 'type' | 'requestId' | 'modelKey'>> {
    const t0 = performance.now();
    const problems = promptProblems(labels, templates);
    if (labels.length > MAX_LABELS) problems.push(`${labels.length} labels: at most ${MAX_LABELS}.`);
    if (templates.length > MAX_TEMPLATES) problems.push(`${templates.length} templates: at most ${MAX_TEMPLATES}.`);
    if (problems.length) throw new Error(problems.join(' '));
    const u = this.images.get(imageKey);
    if (!u) throw new Error('Choose an image first (its embedding is not loaded)');
    if (!(singleTemplate >= 0 && singleTemplate < templates.length)) throw new Error(`No template ${singleTemplate + 1}: there are ${templates.length}`);
    const { model } = this;
    const D = model.embedDim;
    const C = labels.length;
    const T = templates.length;
    const prompts = promptsFor(labels, templates);
    const { e, encoded } = await this.promptEmbeddings(prompts);
    const score = (w: Float64Array): ZeroShotSet => {
      const s = zeroShotScores(u, w, C, D, model.logitScale);
      return { probabilities: [...s.probabilities], cosines: [...s.cosines], order: s.order };
    };
    const ensemble = score(ensembleClassVectors(e, C, T, D));
    const one = new Float32Array(C * D);
    for (let c = 0; c < C; c++) one.set(e.subarray((c * T + singleTemplate) * D, (c * T + singleTemplate + 1) * D), c * D);
    const single = score(ensembleClassVectors(one, C, 1, D));
    return {
      imageKey,
      labels,
      ensemble,
      single,
      singleTemplate: templates[singleTemplate]!,
      templateCount: T,
      logitScale: model.logitScale,
      truncated: truncatedPrompts([...new Set(prompts)], (p) => model.tokenizer.encode(p), model.contextLength),
      encodedPrompts: encoded,
      ms: performance.now() - t0,
    };
  }
}
