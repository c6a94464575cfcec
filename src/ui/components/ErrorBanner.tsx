import { useErrors } from '../stores/errorsStore';

/** Dismissible list of ErrorReport messages (rendered as plain text). */
export function ErrorBanner() {
  const errors = useErrors((s) => s.errors);
  const dismissError = useErrors((s) => s.dismissError);
  const clearErrors = useErrors((s) => s.clearErrors);
  if (errors.length === 0) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <div className="error-head">
        <strong>
          {errors.length === 1 ? 'Something went wrong' : `${errors.length} errors`}
        </strong>
        {errors.length > 1 ? (
          <button type="button" className="link-button" onClick={clearErrors}>
            Dismiss all
          </button>
        ) : null}
      </div>
      <ul>
        {errors.map((e) => (
          <li key={e.id}>
            <span className="error-context">{e.context}</span>
            <span className="error-message">{e.message}</span>
            <button type="button" className="icon-button" aria-label="Dismiss error" title="Dismiss" onClick={() => dismissError(e.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
