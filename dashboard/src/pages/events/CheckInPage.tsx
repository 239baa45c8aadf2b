// The door: check people in by their pass's QR code (the camera, lazy-loaded) or the code typed or pasted.
// The answer shows at once in a large area, in words and a symbol as well as a colour, and is announced to
// screen readers; below, the counts and the latest check-ins (refreshed for doors on other devices).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, lazy, Suspense, useRef, useState } from 'react';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import type { paths } from '../../api/schema';
import { useCanWrite } from '../../api/session';
import { inApp } from '../../ui/app-path';
import { ErrorState } from '../../ui/ErrorState';
import { FormError } from '../../ui/fields';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page, Section } from '../../ui/Page';
import { defaultText } from './event-types';
import './check-in.css';

type Result = paths['/api/events/{id}/check-ins']['post']['responses'][200]['content']['application/json'];
type Verdict = Result['verdict'];

// Loaded only when someone turns the camera on: the QR decoder stays out of the dashboard's bundle.
const CheckInCamera = lazy(() => import('./CheckInCamera'));

/** The word and symbol of each verdict (never the colour alone), and its tone. */
export const VERDICT: Record<Verdict, { word: string; symbol: string; tone: 'good' | 'warn' | 'bad' }> = {
  valid: { word: 'Valid', symbol: '✓', tone: 'good' },
  already_checked_in: { word: 'Already checked in', symbol: '!', tone: 'warn' },
  cancelled: { word: 'Cancelled', symbol: '✕', tone: 'bad' },
  waitlisted: { word: 'Waitlisted', symbol: '✕', tone: 'bad' },
  wrong_event: { word: 'Wrong event', symbol: '✕', tone: 'bad' },
  unknown: { word: 'Unknown', symbol: '?', tone: 'bad' },
};

/** The message without its leading word (shown large above it): "Valid: checked in now." → "Checked in now." */
const afterWord = (message: string) => {
  const rest = message.slice(message.indexOf(':') + 1).trim();
  return rest.charAt(0).toUpperCase() + rest.slice(1);
};

function Answer({ result }: { result: Result }) {
  const v = VERDICT[result.verdict];
  const r = result.registration;
  return (
    <div className={`checkin-answer ${v.tone}`} data-verdict={result.verdict}>
      <p className="checkin-word">
        <span aria-hidden="true" className="checkin-symbol">
          {v.symbol}
        </span>{' '}
        <span>{v.word}</span>
      </p>
      {r ? <p className="checkin-name">{r.name}</p> : null}
      <p>{afterWord(result.message)}</p>
      {r?.pass ? <p>Pass: {r.pass.name}</p> : null}
      {r && r.sessions.length > 0 ? <p>Sessions: {r.sessions.map((s) => s.name).join(', ')}</p> : null}
      {result.verdict === 'already_checked_in' && r?.checkedInAt ? (
        <p>
          Checked in <time dateTime={r.checkedInAt}>{formatDateTime(r.checkedInAt)}</time>
          {r.checkedInBy ? ` by ${r.checkedInBy}` : ''}
        </p>
      ) : null}
    </div>
  );
}

export function CheckInPage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const canWrite = useCanWrite('email');
  const [result, setResult] = useState<Result | null>(null);
  const [camera, setCamera] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const event = useQuery({
    queryKey: ['event', id],
    queryFn: () => data(api.GET('/api/events/{id}', { params: { path: { id } } })),
  });
  const overview = useQuery({
    queryKey: ['event', id, 'check-ins'],
    queryFn: () => data(api.GET('/api/events/{id}/check-ins', { params: { path: { id } } })),
    refetchInterval: 10_000,
  });
  const checkIn = useMutation({
    mutationFn: (code: string) =>
      data(api.POST('/api/events/{id}/check-ins', { params: { path: { id } }, body: { code } })),
    onSuccess: (answer) => {
      setResult(answer);
      queryClient.invalidateQueries({ queryKey: ['event', id, 'check-ins'] });
    },
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget).get('code') ?? '').trim();
    if (!code) return;
    checkIn.mutate(code);
    if (input.current) input.current.value = '';
  }

  if (event.isPending) return <Loading />;
  if (event.isError) return <ErrorState error={event.error} retry={() => event.refetch()} />;
  const name = defaultText(event.data.name, event.data.languages);
  const counts = overview.data;
  return (
    <Page title={`Check-in: ${name}`} description={<Link href={`/${id}`}>Back to the event</Link>}>
      <p className="checkin-counts" aria-live="polite">
        {counts ? (
          <>
            <strong>{counts.checkedIn}</strong> of <strong>{counts.registered}</strong> registered checked in
          </>
        ) : (
          'Counting…'
        )}
      </p>
      {/* Present from the start, so screen readers announce each new answer. */}
      <div className="checkin-result" aria-live="assertive" aria-atomic="true">
        {checkIn.isPending ? (
          <p className="checkin-waiting">Checking…</p>
        ) : result ? (
          <Answer result={result} />
        ) : (
          <p className="checkin-waiting">Scan a pass or type its code.</p>
        )}
      </div>
      {checkIn.isError ? <FormError error={checkIn.error.message} /> : null}
      {canWrite ? (
        <>
          <div className="checkin-camera">
            {camera ? (
              <Suspense fallback={<p>Starting the camera…</p>}>
                <CheckInCamera onCode={(code) => checkIn.mutate(code)} onStop={() => setCamera(false)} />
              </Suspense>
            ) : (
              <button type="button" className="primary checkin-big" onClick={() => setCamera(true)}>
                Scan with the camera
              </button>
            )}
          </div>
          <form className="checkin-form" onSubmit={submit}>
            <label htmlFor="checkin-code">Pass code</label>
            <div className="checkin-row">
              <input
                id="checkin-code"
                name="code"
                ref={input}
                autoComplete="off"
                autoCapitalize="off"
                spellCheck={false}
                maxLength={400}
                required
                aria-describedby="checkin-code-hint"
              />
              <button type="submit" className="primary" disabled={checkIn.isPending}>
                Check in
              </button>
            </div>
            <span className="hint" id="checkin-code-hint">
              The text under the QR code on the attendee's pass; spaces do not matter.
            </span>
          </form>
        </>
      ) : (
        <p>You can follow the check-ins; checking people in needs a marketer or an administrator.</p>
      )}
      <Section title="Latest check-ins">
        {overview.isError ? (
          <ErrorState error={overview.error} retry={() => overview.refetch()} />
        ) : counts && counts.latest.length > 0 ? (
          <ol className="checkin-latest">
            {counts.latest.map((l) => (
              <li key={l.registrationId}>
                <Link href={inApp(`/contacts/${l.contactId}`)}>{l.name}</Link>{' '}
                <span className="as-of">
                  <time dateTime={l.checkedInAt}>{formatDateTime(l.checkedInAt)}</time>
                  {l.checkedInBy ? ` by ${l.checkedInBy}` : ''}
                </span>
              </li>
            ))}
          </ol>
        ) : (
          <p>No one is checked in yet.</p>
        )}
      </Section>
    </Page>
  );
}
