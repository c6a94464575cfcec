// Labels (one per line) and prompt templates (one per line, {} marks the label), prefilled with
// the model's dataset: its classes and its template ensemble. Every edit scores again (debounced).
import { linesOf } from '../../../eval/templateEnsemble';
import { scheduleZeroShot } from '../../inferenceClient';
import { defaultLabels, useTry } from '../../stores/tryStore';

export function PromptEditor() {
  const labelsText = useTry((s) => s.labelsText);
  const templatesText = useTry((s) => s.templatesText);
  const singleTemplate = useTry((s) => s.singleTemplate);
  const model = useTry((s) => s.model);
  const set = useTry((s) => s.set);
  const templates = linesOf(templatesText);
  const labels = linesOf(labelsText);

  return (
    <section className="card try-prompts" aria-label="Labels and templates">
      <div className="card-head">
        <h3 className="card-title">Labels</h3>
        <span className="muted small">{labels.length} · one per line</span>
      </div>
      <textarea
        className="try-text"
        aria-label="Labels, one per line"
        data-testid="labels"
        rows={7}
        spellCheck={false}
        value={labelsText}
        onChange={(e) => {
          set({ labelsText: e.target.value, labelsEdited: true });
          scheduleZeroShot();
        }}
      />
      {model?.classes.length ? (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            set({ labelsText: defaultLabels(model.classes, 100).join('\n'), labelsEdited: true });
            scheduleZeroShot(0);
          }}
        >
          Use all {model.classes.length} classes of {model.datasetName}
        </button>
      ) : null}
      <div className="card-head">
        <h3 className="card-title">Templates</h3>
        <span className="muted small">{templates.length} · {'{}'} marks the label</span>
      </div>
      <textarea
        className="try-text"
        aria-label="Prompt templates, one per line"
        data-testid="templates"
        rows={5}
        spellCheck={false}
        value={templatesText}
        onChange={(e) => {
          set({ templatesText: e.target.value, templatesEdited: true });
          scheduleZeroShot();
        }}
      />
      <div className="try-row">
        <label className="field-inline">
          Single template
          <select
            aria-label="Single template"
            value={Math.min(singleTemplate, Math.max(0, templates.length - 1))}
            onChange={(e) => {
              set({ singleTemplate: Number(e.target.value) });
              scheduleZeroShot(0);
            }}
          >
            {templates.map((t, i) => (
              <option key={`${i}:${t}`} value={i}>
                {t}
              </option>
            ))}
          </select>
        </label>
        {model ? (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              set({ templatesText: model.templates.join('\n'), templatesEdited: false, singleTemplate: 0 });
              scheduleZeroShot(0);
            }}
          >
            Reset to the dataset's ensemble
          </button>
        ) : null}
      </div>
    </section>
  );
}
