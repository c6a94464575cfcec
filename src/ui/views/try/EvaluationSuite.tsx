// The evaluation suite (docs/methods.md §7) of the loaded model on a stored dataset, run in the
// inference worker with progress and cancel: zero-shot top-1/top-5 with the ensemble and with one
// template, per-class accuracy and the confusion matrix; retrieval recall@1/5/10 both ways; a linear
// probe on the frozen image embeddings. Results are kept with the model's record in the library,
// and every result, of every model, is in the comparison table below.
import { StoredDatasetSelect } from '../../components/StoredDatasetSelect';
import { useState } from 'react';
import type { SuiteResult } from '../../../protocol/inference';
import { toCsv } from '../../chartExport';
import { downloadBlob } from '../../download';
import { fmtDateTime, fmtInt, fmtPct } from '../../format';
import { cancelJob, runSuite } from '../../inferenceClient';
import { useDataStore } from '../../stores/dataStore';
import { useModelsStore } from '../../stores/modelsStore';
import { useTry } from '../../stores/tryStore';

const COMPARE_COLUMNS: { head: string; value: (r: SuiteResult) => number | string | undefined }[] = [
  { head: 'model', value: (r) => r.modelName },
  { head: 'step', value: (r) => r.modelStep },
  { head: 'dataset', value: (r) => r.datasetName },
  { head: 'zero-shot top-1 (ensemble)', value: (r) => r.zeroShot?.ensemble.top1 },
  { head: 'zero-shot top-1 (one template)', value: (r) => r.zeroShot?.single.top1 },
  { head: 'zero-shot top-5', value: (r) => r.zeroShot?.ensemble.top5 },
  { head: 'image→text R@1', value: (r) => r.retrieval?.i2t.r1 },
  { head: 'image→text R@5', value: (r) => r.retrieval?.i2t.r5 },
  { head: 'text→image R@1', value: (r) => r.retrieval?.t2i.r1 },
  { head: 'text→image R@5', value: (r) => r.retrieval?.t2i.r5 },
  { head: 'linear probe top-1', value: (r) => r.linearProbe?.testTop1 },
  { head: 'probe λ', value: (r) => r.linearProbe?.lambda },
];

/** Every suite result known: those stored with library models, then this session's unsaved ones. */
function useAllResults(): SuiteResult[] {
  const models = useModelsStore((s) => s.models);
  const session = useTry((s) => s.suites);
  const stored = models.flatMap((m) => m.evaluations ?? []);
  const key = (r: SuiteResult) => `${r.modelId}|${r.at}`;
  const seen = new Set(stored.map(key));
  return [...stored, ...session.filter((r) => !seen.has(key(r)))].sort((a, b) => a.at.localeCompare(b.at));
}

function Confusion({ r }: { r: NonNullable<SuiteResult['zeroShot']> }) {
  const C = r.classes.length;
  const rowTotals = Array.from({ length: C }, (_, i) => r.ensemble.confusion.slice(i * C, (i + 1) * C).reduce((a, b) => a + b, 0));
  const cell = Math.max(6, Math.min(22, Math.floor(520 / C)));
  return (
    <div className="confusion" role="img" aria-label={`Confusion matrix of ${C} classes (rows: true class, columns: predicted)`} style={{ gridTemplateColumns: `repeat(${C}, ${cell}px)` }} data-testid="confusion">
      {r.ensemble.confusion.map((v, idx) => {
        const i = Math.floor(idx / C);
        const j = idx % C;
        const share = rowTotals[i] ? v / rowTotals[i]! : 0;
        return <span key={idx} className={i === j ? 'cm-cell cm-diag' : 'cm-cell'} style={{ width: cell, height: cell, opacity: 0.08 + 0.92 * share }} title={`true ${r.classes[i]} → predicted ${r.classes[j]}: ${v}`} />;
      })}
    </div>
  );
}

function ResultView({ r }: { r: SuiteResult }) {
  const z = r.zeroShot;
  const worst = z ? z.classes.map((name, c) => ({ name, acc: z.ensemble.perClass[c]! })).filter((x) => Number.isFinite(x.acc)).sort((a, b) => a.acc - b.acc) : [];
  return (
    <div className="suite-result" data-testid="suite-result">
      <p className="muted small">
        {r.modelName} at step {fmtInt(r.modelStep)} on {r.datasetName} · {fmtDateTime(r.at)} · {(r.ms / 1000).toFixed(1)} s
      </p>
      <div className="suite-grid">
        <div>
          <h4 className="zs-title">Zero-shot</h4>
          {z ? (
            <table className="data-table compact">
              <thead>
                <tr>
                  <th />
                  <th>top-1</th>
                  <th>top-5</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th>ensemble of {z.templates} templates</th>
                  <td data-testid="suite-zs-top1">{fmtPct(z.ensemble.top1)}</td>
                  <td>{fmtPct(z.ensemble.top5)}</td>
                </tr>
                <tr>
                  <th>one template “{z.single.template}”</th>
                  <td>{fmtPct(z.single.top1)}</td>
                  <td>{fmtPct(z.single.top5)}</td>
                </tr>
              </tbody>
            </table>
          ) : (
            <p className="muted">Not run.</p>
          )}
          {z ? <p className="muted small">{fmtInt(z.images)} labelled validation images, {z.classes.length} classes. Hardest: {worst.slice(0, 4).map((w) => `${w.name} ${fmtPct(w.acc, 0)}`).join(', ')}.</p> : null}
        </div>
        <div>
          <h4 className="zs-title">Retrieval</h4>
          {r.retrieval ? (
            <table className="data-table compact">
              <thead>
                <tr>
                  <th />
                  <th>R@1</th>
                  <th>R@5</th>
                  <th>R@10</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th>image → text</th>
                  <td data-testid="suite-i2t-r1">{fmtPct(r.retrieval.i2t.r1)}</td>
                  <td>{fmtPct(r.retrieval.i2t.r5)}</td>
                  <td>{fmtPct(r.retrieval.i2t.r10)}</td>
                </tr>
                <tr>
                  <th>text → image</th>
                  <td>{fmtPct(r.retrieval.t2i.r1)}</td>
                  <td>{fmtPct(r.retrieval.t2i.r5)}</td>
                  <td>{fmtPct(r.retrieval.t2i.r10)}</td>
                </tr>
              </tbody>
            </table>
          ) : (
            <p className="muted">Not run.</p>
          )}
          {r.retrieval ? (
            <p className="muted small">
              Among {fmtInt(r.retrieval.images)} validation images and their {fmtInt(r.retrieval.captions)} captions{r.retrieval.distinctCaptions !== undefined ? ` (${fmtInt(r.retrieval.distinctCaptions)} different texts)` : ''}; an image hits when any of its captions does.
              {(r.retrieval.distinctCaptions ?? Infinity) < r.retrieval.captions / 2 ? ' Most captions are repeated across images: copies of one text tie, so recall@k barely grows with k here.' : ''}
            </p>
          ) : null}
        </div>
        <div>
          <h4 className="zs-title">Linear probe</h4>
          {r.linearProbe ? (
            <>
              <p data-testid="suite-probe">
                top-1 <strong>{fmtPct(r.linearProbe.testTop1)}</strong> on {fmtInt(r.linearProbe.testImages)} held-out images
              </p>
              <p className="muted small">
                Multinomial logistic regression on {r.linearProbe.features}: {r.linearProbe.protocol} ({fmtInt(r.linearProbe.trainImages)} / {fmtInt(r.linearProbe.validationImages)} /{' '}
                {fmtInt(r.linearProbe.testImages)} images). λ = {r.linearProbe.lambda} (validation accuracy per λ: {r.linearProbe.validation.map((v) => `${v.lambda}: ${fmtPct(v.accuracy, 0)}`).join(', ')}).
              </p>
            </>
          ) : (
            <p className="muted">Not run.</p>
          )}
        </div>
      </div>
      {z ? (
        <details className="suite-details">
          <summary>Confusion matrix and per-class accuracy</summary>
          <Confusion r={z} />
          <ul className="per-class">
            {z.classes.map((name, c) => (
              <li key={name}>
                {name}: {fmtPct(z.ensemble.perClass[c])}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {r.notes.length ? <p className="muted small">{r.notes.join(' ')}</p> : null}
    </div>
  );
}

export function EvaluationSuite() {
  const model = useTry((s) => s.model);
  const job = useTry((s) => s.suiteJob);
  const error = useTry((s) => s.suiteError);
  const datasets = useDataStore((s) => s.datasets);
  const all = useAllResults();
  const [datasetId, setDatasetId] = useState('');
  const chosen = datasetId || (model?.datasetStored ? model.datasetId : (datasets[0]?.id ?? ''));
  const latest = [...all].reverse().find((r) => model && r.modelName === model.name && r.modelStep === model.step && r.datasetId === chosen) ?? null;

  const exportCsv = () => {
    const csv = toCsv(
      COMPARE_COLUMNS.map((c) => c.head),
      COMPARE_COLUMNS.map((c) => all.map(c.value)),
    );
    downloadBlob(new Blob([csv], { type: 'text/csv' }), `clip-lab-evaluations-${new Date().toISOString().slice(0, 10)}.csv`);
  };

  return (
    <section className="card try-suite" aria-label="Evaluation suite">
      <div className="card-head">
        <h3 className="card-title">Evaluate</h3>
      </div>
      <div className="try-row">
        <StoredDatasetSelect label="Dataset" ariaLabel="Evaluation dataset" datasets={datasets} value={chosen} onChange={setDatasetId} />
        {job ? (
          <>
            <progress max={job.progress?.total ?? 1} value={job.progress?.done ?? 0} aria-label="Evaluation progress" />
            <span className="muted small">{job.progress?.message ?? 'Starting…'}</span>
            <button type="button" className="btn" onClick={() => cancelJob(job.requestId)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-primary" disabled={!model || !chosen} onClick={() => void runSuite(chosen)} data-testid="run-suite">
            Run the evaluation suite
          </button>
        )}
      </div>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
      {latest ? <ResultView r={latest} /> : null}
      {all.length ? (
        <>
          <div className="card-head">
            <h3 className="card-title">All evaluations</h3>
            <button type="button" className="link-button" onClick={exportCsv}>
              CSV
            </button>
          </div>
          <div className="table-wrap">
            <table className="data-table compact suite-compare" data-testid="suite-compare">
              <thead>
                <tr>
                  {COMPARE_COLUMNS.map((c) => (
                    <th key={c.head}>{c.head}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {[...all].reverse().map((r) => (
                  <tr key={`${r.modelId}|${r.at}`}>
                    {COMPARE_COLUMNS.map((c, i) => {
                      const v = c.value(r);
                      return <td key={c.head}>{typeof v === 'number' ? (i < 3 || c.head === 'probe λ' ? String(v) : fmtPct(v)) : (v ?? '–')}</td>;
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
