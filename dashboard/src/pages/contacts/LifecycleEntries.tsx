// Timeline entries for what happens to a contact's email after sending: consent events (joined or left a
// list, before → after, what made the change, the email that led there, the wording version, a confirmed
// sign-up's evidence) and outcomes (a bounce, complaint or auto-reply, its category and how it arrived).
import {
  categoryLabel,
  labelOf,
  OUTCOME_KIND_LABELS,
  UNSUBSCRIBE_SOURCE_LABELS,
  VIA_LABELS,
} from '../emails/outcome-labels';

export interface FeedItem {
  type: string;
  at: string;
  id: string;
  kind?: string;
  subjects?: Record<string, { id: string; name: string | null }>;
  attributes?: Record<string, unknown>;
}

const STATE = { none: 'not on the list', subscribed: 'subscribed', unsubscribed: 'unsubscribed' } as const;
const stateOf = (value: unknown) => STATE[value as keyof typeof STATE] ?? String(value);
const lowerFirst = (words: string) => words.charAt(0).toLowerCase() + words.slice(1);
const text = (value: unknown) => (typeof value === 'string' ? value : null);

export function ConsentEntry({ item }: { item: FeedItem }) {
  const a = item.attributes ?? {};
  const list = item.subjects?.['list'];
  const send = item.subjects?.['send'];
  const joined = item.kind === 'list_subscribed';
  const evidence = a['evidence'] as Record<string, unknown> | null | undefined;
  return (
    <>
      <p className="timeline-title">
        {joined ? 'Subscribed to' : 'Unsubscribed from'} {list?.name ?? 'a deleted list'}
        <span className="badge">
          {stateOf(a['before'])} → {stateOf(a['after'])}
        </span>
      </p>
      <p className="as-of">
        Through {lowerFirst(labelOf(UNSUBSCRIBE_SOURCE_LABELS, text(a['source'])))}
        {send ? <> · after the email “{send.name ?? 'a deleted send'}”</> : null}
        {text(a['wordingVersion']) ? <> · wording version {text(a['wordingVersion'])}</> : null}
        {evidence ? (
          <>
            {' '}
            · confirmed sign-up
            {text(evidence['confirmedAt']) ? ` (confirmed ${text(evidence['confirmedAt'])})` : ''}
          </>
        ) : null}
      </p>
    </>
  );
}

export function OutcomeEntry({ item }: { item: FeedItem }) {
  const a = item.attributes ?? {};
  const send = item.subjects?.['send'];
  const outcome = text(a['outcome']);
  return (
    <>
      <p className="timeline-title">
        {labelOf(OUTCOME_KIND_LABELS, outcome)} on “{send?.name ?? 'a deleted email'}”
        <span className={outcome === 'auto_reply' ? 'badge' : 'badge bad'}>
          {categoryLabel(text(a['category']))}
        </span>
      </p>
      <p className="as-of">
        From {labelOf(VIA_LABELS, text(a['via']))}
        {text(a['status']) ? <> · {text(a['status'])}</> : null}
        {text(a['detail']) ? <>: {text(a['detail'])}</> : null}
      </p>
    </>
  );
}
