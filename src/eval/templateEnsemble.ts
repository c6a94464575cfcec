// The prompt-template ensemble in float64 (docs/methods.md §7), for the playground and the
// evaluation suite, where prompt embeddings are cached per prompt: for label c and templates
// t = 1..T, with e_{c,t} the text embedding of template t filled with label c,
//   w_c = normalise( (1/T) Σ_t e_{c,t} / ‖e_{c,t}‖ )
// A single template is the ensemble of one (w_c = e_{c,t}/‖e_{c,t}‖). Also the checks of what
// the user typed: labels and templates, one per line.

/** The prompt of a template for one label: its (first) {} replaced by the label. */
export function fillTemplate(template: string, label: string): string {
  return template.replace('{}', () => label);
}

/** Prompts in ensemble order: label-major, prompts[c·T + t] = template t filled with label c. */
export function promptsFor(labels: readonly string[], templates: readonly string[]): string[] {
  return labels.flatMap((c) => templates.map((t) => fillTemplate(t, c)));
}

/**
 * Class vectors (C × D, unit rows, row-major) from the prompt embeddings `e` (C·T rows of D, in
 * promptsFor order; any length, each is normalised first). A zero-length embedding is an error.
 */
export function ensembleClassVectors(e: ArrayLike<number>, classes: number, templates: number, d: number): Float64Array {
  if (e.length !== classes * templates * d) throw new Error(`template ensemble: ${e.length} values for ${classes} × ${templates} prompts of ${d}`);
  const w = new Float64Array(classes * d);
  for (let c = 0; c < classes; c++) {
    const row = w.subarray(c * d, (c + 1) * d);
    for (let t = 0; t < templates; t++) {
      const off = (c * templates + t) * d;
      let n2 = 0;
      for (let k = 0; k < d; k++) n2 += e[off + k]! * e[off + k]!;
      const norm = Math.sqrt(n2);
      if (!(norm > 0)) throw new Error(`template ensemble: prompt ${c * templates + t} has a zero embedding`);
      for (let k = 0; k < d; k++) row[k]! += e[off + k]! / norm / templates;
    }
    let m2 = 0;
    for (let k = 0; k < d; k++) m2 += row[k]! * row[k]!;
    const norm = Math.sqrt(m2);
    // Opposite prompts can cancel exactly; the class then has no direction (cosine 0 with everything).
    if (norm > 0) for (let k = 0; k < d; k++) row[k]! /= norm;
  }
  return w;
}

/** One entry per non-empty line, trimmed. */
export function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** What is wrong with labels and templates as typed (empty when they can be scored). */
export function promptProblems(labels: readonly string[], templates: readonly string[]): string[] {
  const out: string[] = [];
  if (labels.length === 0) out.push('Type at least one label (one per line).');
  if (templates.length === 0) out.push('Type at least one template (one per line, {} marks the label).');
  for (const t of templates) if (!t.includes('{}')) out.push(`The template "${t}" has no {} where the label goes.`);
  const seen = new Set<string>();
  for (const l of labels) {
    if (seen.has(l)) out.push(`The label "${l}" is listed twice.`);
    seen.add(l);
  }
  return out;
}
