// The Try tab: any model (the live run or one of the library) in a worker of its own. Three panels:
// the zero-shot playground (an image, labels, templates → probabilities), retrieval search over a
// stored dataset, and the evaluation suite.
import { useState } from 'react';
import { EvaluationSuite } from './EvaluationSuite';
import { ImageInput } from './ImageInput';
import { ModelPicker } from './ModelPicker';
import { PromptEditor } from './PromptEditor';
import { RetrievalSearch } from './RetrievalSearch';
import { ZeroShotBars } from './ZeroShotBars';

type Panel = 'zeroShot' | 'search' | 'evaluate';
const PANELS: { id: Panel; label: string }[] = [
  { id: 'zeroShot', label: 'Zero-shot' },
  { id: 'search', label: 'Search' },
  { id: 'evaluate', label: 'Evaluate' },
];

export function TryView() {
  const [panel, setPanel] = useState<Panel>('zeroShot');
  return (
    <div className="try-view">
      <ModelPicker />
      <div className="seg" role="tablist" aria-label="Try panels">
        {PANELS.map((p) => (
          <button key={p.id} type="button" role="tab" aria-selected={panel === p.id} className={`seg-button${panel === p.id ? ' seg-on' : ''}`} onClick={() => setPanel(p.id)}>
            {p.label}
          </button>
        ))}
      </div>
      {panel === 'zeroShot' ? (
        <div className="try-grid">
          <ImageInput />
          <PromptEditor />
          <ZeroShotBars />
        </div>
      ) : null}
      {panel === 'search' ? <RetrievalSearch /> : null}
      {panel === 'evaluate' ? <EvaluationSuite /> : null}
    </div>
  );
}
