// The playground's answer: for the template ensemble and for one template, side by side, the labels
// sorted by probability p = softmax(s · cos) with their bars, cosines and the logit scale s used.
import type { ZeroShotReport, ZeroShotSet } from '../../../protocol/inference';
import { fmtPct } from '../../format';
import { useTry } from '../../stores/tryStore';

function Bars({ title, set, labels, topK, testId }: { title: string; set: ZeroShotSet; labels: string[]; topK: number; testId: string }) {
  const shown = set.order.slice(0, topK);
  return (
    <div className="zs-col" data-testid={testId}>
      <h4 className="zs-title">{title}</h4>
      <ol className="zs-bars">
        {shown.map((c, rank) => (
          <li key={labels[c]} className={`zs-bar${rank === 0 ? ' zs-top' : ''}`} data-label={labels[c]} data-p={set.probabilities[c]}>
            <span className="zs-label" title={labels[c]}>
              {labels[c]}
            </span>
            <span className="zs-track" aria-hidden="true">
              <span className="zs-fill" style={{ width: `${Math.max(0.5, set.probabilities[c]! * 100)}%` }} />
            </span>
            <span className="zs-p">{fmtPct(set.probabilities[c]!)}</span>
            <span className="zs-cos muted" title="cosine similarity u · w">
              cos {set.cosines[c]!.toFixed(3)}
            </span>
          </li>
        ))}
      </ol>
      {set.order.length > shown.length ? <p className="muted small">and {set.order.length - shown.length} more below</p> : null}
    </div>
  );
}

export function ZeroShotBars() {
  const result = useTry((s) => s.result);
  const error = useTry((s) => s.resultError);
  const scoring = useTry((s) => s.scoring);
  const image = useTry((s) => s.image);
  const model = useTry((s) => s.model);
  const topK = useTry((s) => s.topK);
  const set = useTry((s) => s.set);
  const stale = (r: ZeroShotReport) => r.modelKey !== model?.key || r.imageKey !== image?.key;

  return (
    <section className="card try-result" aria-label="Zero-shot result" aria-busy={scoring}>
      <div className="card-head">
        <h3 className="card-title">What the model thinks</h3>
        <label className="field-inline">
          show top
          <select aria-label="Top k" value={topK} onChange={(e) => set({ topK: Number(e.target.value) })}>
            {[3, 5, 10, 20, 200].map((k) => (
              <option key={k} value={k}>
                {k === 200 ? 'all' : k}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error ? (
        <p className="field-error" role="alert" data-testid="zero-shot-error">
          {error}
        </p>
      ) : null}
      {!result && !error ? <p className="muted">{model ? (image ? 'Scoring…' : 'Give the model an image: draw one, drop a file, pick a validation image or paste one.') : 'Choose a model.'}</p> : null}
      {result ? (
        <div className={stale(result) ? 'zs-stale' : undefined} data-testid="zero-shot">
          <div className="zs-cols">
            <Bars title={result.templateCount === 1 ? 'Ensemble of 1 template' : `Ensemble of ${result.templateCount} templates`} set={result.ensemble} labels={result.labels} topK={topK} testId="zs-ensemble" />
            <Bars title={`One template: “${result.singleTemplate}”`} set={result.single} labels={result.labels} topK={topK} testId="zs-single" />
          </div>
          <p className="muted small" data-testid="zs-meta">
            p = softmax(s · cos) at the model's logit scale s = {result.logitScale.toFixed(2)} (temperature {(1 / result.logitScale).toFixed(3)}) · {result.labels.length} labels ·{' '}
            {result.encodedPrompts} new prompt{result.encodedPrompts === 1 ? '' : 's'} encoded · {result.ms.toFixed(0)} ms
          </p>
          {result.truncated.length ? (
            <p className="field-warn" role="status" data-testid="zs-truncated">
              {result.truncated.length} prompt{result.truncated.length === 1 ? ' is' : 's are'} longer than the model's context ({model?.contextLength} tokens) and {result.truncated.length === 1 ? 'was' : 'were'} cut:{' '}
              {result.truncated
                .slice(0, 3)
                .map((t) => `“${t.prompt}” (${t.tokens} tokens, ${t.kept} kept)`)
                .join('; ')}
              {result.truncated.length > 3 ? '; …' : ''}
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
