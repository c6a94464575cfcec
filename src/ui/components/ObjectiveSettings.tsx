import { useMemo } from 'react';
import type { ObjectiveKind } from '../../config/types';
import { OBJECTIVE_KINDS } from '../../config/defaults';
import { objectiveOf } from '../../config/objectiveOf';
import { OBJECTIVE_EXPLANATIONS, OBJECTIVE_NAMES } from '../objectives';
import { useSettings } from '../stores/settingsStore';
import { NumberField } from './NumberField';

/** The Run sidebar's training objective (methods.md §1–§4) and its hyperparameters. */
export function ObjectiveSettings({ locked }: { locked: boolean }) {
  const raw = useSettings((s) => s.config.objective as unknown);
  const objective = useMemo(() => objectiveOf({ objective: raw }), [raw]);
  const setObjectiveKind = useSettings((s) => s.setObjectiveKind);
  const setObjective = useSettings((s) => s.setObjective);

  return (
    <fieldset className="panel-section">
      <legend>Objective</legend>
      <div className="field field-wide">
        <label htmlFor="objective">Objective</label>
        <select id="objective" value={objective.kind} disabled={locked} onChange={(e) => setObjectiveKind(e.target.value as ObjectiveKind)}>
          {OBJECTIVE_KINDS.map((k) => (
            <option key={k} value={k}>
              {OBJECTIVE_NAMES[k]}
            </option>
          ))}
        </select>
        <span className="field-hint objective-explain" data-testid="objective-explain">
          {OBJECTIVE_EXPLANATIONS[objective.kind]}
        </span>
      </div>

      {objective.kind === 'pospair' ? (
        <div className="field-grid">
          <NumberField
            id="obj-lambda"
            label="λ (positive-pair)"
            title="Weight of R = (1/N) Σ ‖u_i − v_i‖² = (2/N) Σ (1 − S_ii), added to the CLIP loss"
            value={objective.lambda}
            min={0}
            disabled={locked}
            hint="sweep 0.01–0.5"
            onChange={(v) => setObjective({ ...objective, lambda: v })}
          />
        </div>
      ) : null}

      {objective.kind === 'siglip' ? (
        <div className="field-grid">
          <NumberField
            id="obj-t0"
            label="Initial logit scale t"
            title="s = exp t multiplies the cosines; ln 10 ≈ 2.3026 gives s = 10 (SigLIP's default)"
            value={objective.initLogitScale}
            min={0}
            max={Math.log(100)}
            disabled={locked}
            hint="ln 10 ≈ 2.302585 → s = 10"
            onChange={(v) => setObjective({ ...objective, initLogitScale: v })}
          />
          <NumberField
            id="obj-b0"
            label="Initial bias b"
            title="Learnable bias added to every logit s·S_ij + b"
            value={objective.initBias}
            disabled={locked}
            hint="without b = −10 early training is unstable"
            onChange={(v) => setObjective({ ...objective, initBias: v })}
          />
        </div>
      ) : null}

      {objective.kind === 'cyclip' ? (
        <div className="field-grid">
          <NumberField
            id="obj-l1"
            label="λ1 in-modal"
            title="Weight of (1/N) Σ_jk (u_j·u_k − v_j·v_k)²: image–image and text–text similarities should agree"
            value={objective.lambdaInModal}
            min={0}
            disabled={locked}
            hint="paper: 0.25"
            onChange={(v) => setObjective({ ...objective, lambdaInModal: v })}
          />
          <NumberField
            id="obj-l2"
            label="λ2 cross-modal"
            title="Weight of (1/N) Σ_jk (u_j·v_k − u_k·v_j)²: image j vs text k should match image k vs text j"
            value={objective.lambdaCrossModal}
            min={0}
            disabled={locked}
            hint="paper: 0.25"
            onChange={(v) => setObjective({ ...objective, lambdaCrossModal: v })}
          />
        </div>
      ) : null}
      {objective.kind === 'protoclip' ? (
        <>
          <div className="field-grid">
            <NumberField
              id="obj-episode"
              label="Episode size"
              title="E: pairs sampled (with replacement) per episode; each episode clusters them and then trains one pass over them (E / batch size steps)"
              value={objective.episodeSize}
              integer
              min={2}
              disabled={locked}
              hint="paper: 8 % of the data"
              onChange={(v) => setObjective({ ...objective, episodeSize: v })}
            />
            <NumberField
              id="obj-k"
              label="Prototypes K (0 = E/10)"
              title="Number of k-means clusters per modality and episode; 0 picks E/10 (≈10 pairs per prototype)"
              value={objective.clusters}
              integer
              min={0}
              disabled={locked}
              hint={`now ${objective.clusters || Math.max(2, Math.round(objective.episodeSize / 10))}`}
              onChange={(v) => setObjective({ ...objective, clusters: v })}
            />
            <NumberField
              id="obj-kmeans-iters"
              label="k-means iterations"
              title="Lloyd iterations per k-means run (stops early when no assignment changes)"
              value={objective.kmeansIterations}
              integer
              min={1}
              disabled={locked}
              hint="paper: 20"
              onChange={(v) => setObjective({ ...objective, kmeansIterations: v })}
            />
            <NumberField
              id="obj-kmeans-restarts"
              label="k-means restarts"
              title="k-means++ restarts per clustering; the run with the lowest inertia is kept"
              value={objective.kmeansRestarts}
              integer
              min={1}
              disabled={locked}
              hint="paper: best of 3"
              onChange={(v) => setObjective({ ...objective, kmeansRestarts: v })}
            />
            <NumberField
              id="obj-head-hidden"
              label="Head hidden"
              title="H: hidden width of the projection heads Linear(D→H) → BatchNorm → ReLU → Linear(H→P)"
              value={objective.headHidden}
              integer
              min={1}
              disabled={locked}
              hint="paper: 2048"
              onChange={(v) => setObjective({ ...objective, headHidden: v })}
            />
            <NumberField
              id="obj-head-out"
              label="Head output"
              title="P: dimension of the head features that are clustered"
              value={objective.headOut}
              integer
              min={1}
              disabled={locked}
              hint="paper: 128"
              onChange={(v) => setObjective({ ...objective, headOut: v })}
            />
          </div>
          <div className="field field-wide">
            <label title="Translate each text cluster into image space as the mean of its pairs' image features (and vice versa), so every comparison stays inside one modality">
              <input type="checkbox" checked={objective.pbt} disabled={locked} onChange={(e) => setObjective({ ...objective, pbt: e.target.checked })} /> Back translation (PBT)
            </label>
            <label title="A frozen bag-of-words teacher fitted once on the training captions (TF-IDF projected to 64 dims by PCA); its clusters add two hard-label prototype losses. Not a neural language model.">
              <input
                type="checkbox"
                checked={objective.teacher}
                disabled={locked}
                onChange={(e) => setObjective({ ...objective, teacher: e.target.checked })}
              />{' '}
              External teacher (TF-IDF + PCA-64, bag of words)
            </label>
          </div>
        </>
      ) : null}
    </fieldset>
  );
}
