import type { KeyboardEvent } from 'react';
import { ROUTES } from '../routes';
import { useRoute } from '../stores/routeStore';

/** The views' tabs at the top of the main area (arrow keys move between them). */
export function TabBar() {
  const view = useRoute((s) => s.view);
  const navigate = useRoute((s) => s.navigate);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const i = ROUTES.findIndex((t) => t.id === view);
    const next = ROUTES[(i + (e.key === 'ArrowRight' ? 1 : ROUTES.length - 1)) % ROUTES.length]!.id;
    navigate(next);
    document.getElementById(`tab-${next}`)?.focus();
  };

  return (
    <div className="tab-bar" role="tablist" aria-label="Views" onKeyDown={onKey}>
      {ROUTES.map(({ id, label, Badge }) => (
        <a
          key={id}
          id={`tab-${id}`}
          href={id === ROUTES[0]!.id ? '#' : `#${id}`}
          role="tab"
          aria-selected={view === id}
          aria-controls={`panel-${id}`}
          tabIndex={view === id ? 0 : -1}
          className={`tab${view === id ? ' tab-active' : ''}`}
          onClick={(e) => {
            e.preventDefault();
            navigate(id);
          }}
        >
          {label}
          {Badge ? <Badge /> : null}
        </a>
      ))}
    </div>
  );
}
