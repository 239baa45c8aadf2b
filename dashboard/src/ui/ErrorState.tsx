// What a page shows when its data could not be loaded: the server's message and a retry.
import { ApiError } from '../api/client';

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const message =
    error instanceof ApiError || error instanceof Error
      ? error.message
      : 'Something went wrong loading this.';
  return (
    <div className="error-state" role="alert">
      <p>{message}</p>
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
