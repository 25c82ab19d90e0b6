import { useStudio } from '../state/store.js';

/** The last error, specific and dismissible; the rest of the app stays usable. */
export function ErrorBanner() {
  const error = useStudio((s) => s.error);
  const dismiss = useStudio((s) => s.dismissError);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <div className="error-text">
        <strong>{error.context} failed</strong>
        <span className="error-code">{error.code}</span>
        <div className="error-message">{error.message}</div>
      </div>
      <button type="button" onClick={dismiss} aria-label="Dismiss error">
        Dismiss
      </button>
    </div>
  );
}
