import { useRoute } from '../stores/routeStore';
import { useLinkProblems } from '../urlSync';

/** What was wrong with the address this page was opened with: its settings, or its view. */
export function LinkNotice() {
  const problems = useLinkProblems((s) => s.problems);
  const dismiss = useLinkProblems((s) => s.dismiss);
  const unknownView = useRoute((s) => s.unknown);
  if (!problems.length && !unknownView) return null;
  return (
    <div className="link-notice" role="status" data-testid="link-notice">
      {unknownView ? <p>There is no view “{unknownView}” in CLIP Lab; showing Train.</p> : null}
      {problems.length ? (
        <>
          <strong>Some settings in this link could not be used; those keep their defaults:</strong>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <button type="button" className="link-button" onClick={dismiss}>
            Dismiss
          </button>
        </>
      ) : null}
    </div>
  );
}
