// The sign-in page: email and password, the server's message when refused (wrong details, too many
// attempts, a disabled account), then back to the page the user first asked for.
import { type FormEvent, useEffect, useState } from 'react';
import { useLocation, useSearchParams } from 'wouter';
import { ApiError } from '../../api/client';
import { useSignIn } from '../../api/session';
import { FormError, TextField } from '../../ui/fields';

/** Only a path inside the dashboard: never send a user on to another site after signing in. */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export function SignIn() {
  const signIn = useSignIn();
  const [, navigate] = useLocation();
  const [query] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = 'Sign in · Spoor';
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await signIn(String(form.get('email') ?? ''), String(form.get('password') ?? ''));
      navigate(safeNext(query.get('next')), { replace: true });
    } catch (thrown) {
      setError(thrown instanceof ApiError ? thrown.message : 'Could not reach the server. Try again.');
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <div className="section">
        <h1>Sign in to Spoor</h1>
        <form onSubmit={submit} noValidate={false}>
          <TextField label="Email" name="email" type="email" autoComplete="username" required autoFocus />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
          />
          <FormError error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="as-of">Forgot your password? Ask an administrator to send you a reset link.</p>
      </div>
    </main>
  );
}
