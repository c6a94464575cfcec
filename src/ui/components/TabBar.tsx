import type { KeyboardEvent } from 'react';
import { isImportRunning, useDataStore } from '../dataStore';
import { useModelsStore } from '../modelsStore';
import { useStore, type View } from '../store';

const TABS: { view: View; label: string }[] = [
  { view: 'train', label: 'Train' },
  { view: 'data', label: 'Data' },
  { view: 'models', label: 'Models' },
];

/** "Train | Data" tabs at the top of the main area. */
export function TabBar() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const state = useStore((s) => s.status.state);
  const importing = useDataStore((s) => isImportRunning(s.importJob));
  const count = useDataStore((s) => s.datasets.length);
  const models = useModelsStore((s) => s.models.length);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const i = TABS.findIndex((t) => t.view === view);
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!.view;
    setView(next);
    document.getElementById(`tab-${next}`)?.focus();
  };

  return (
    <div className="tab-bar" role="tablist" aria-label="Views" onKeyDown={onKey}>
      {TABS.map((t) => (
        <button
          key={t.view}
          id={`tab-${t.view}`}
          type="button"
          role="tab"
          aria-selected={view === t.view}
          aria-controls={`panel-${t.view}`}
          tabIndex={view === t.view ? 0 : -1}
          className={`tab${view === t.view ? ' tab-active' : ''}`}
          onClick={() => setView(t.view)}
        >
          {t.label}
          {t.view === 'train' && (state === 'running' || state === 'preparing') ? <span className="tab-dot tab-dot-live" aria-hidden="true" /> : null}
          {t.view === 'data' && importing ? <span className="tab-dot tab-dot-live" aria-hidden="true" /> : null}
          {t.view === 'models' && models > 0 ? (
            <span className="tab-count" aria-hidden="true">
              {models}
            </span>
          ) : null}
          {t.view === 'data' && !importing && count > 0 ? (
            <span className="tab-count" aria-hidden="true">
              {count}
            </span>
          ) : null}
        </button>
      ))}
    </div>
  );
}
