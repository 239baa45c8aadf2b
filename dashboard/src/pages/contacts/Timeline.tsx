// A contact's timeline: every interaction newest first, visits grouped with their pages and engaged time,
// form submissions with what was sent, and emails sent (or bounced), opened, clicked and unsubscribed
// from. Pages load on demand. Above it, whether the address is suppressed: why no email appears after.
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { formatDuration } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { formatDateTime } from '../../ui/Page';
import { ConsentEntry, type FeedItem, OutcomeEntry } from './LifecycleEntries';
import { SuppressionNotice } from './SuppressionNotice';

interface Pageview {
  url: string;
  path: string;
  title: string | null;
  at: string;
  engagedMs: number;
}
interface VisitItem {
  type: 'visit';
  at: string;
  id: string;
  website: { id: string; name: string | null };
  entryPath: string;
  referrer: string | null;
  utm: Record<string, string | null>;
  pageviewCount: number;
  engagedMs: number;
  bot: string | null;
  pageviews: Pageview[];
}
interface SubmissionItem {
  type: 'form_submission';
  at: string;
  id: string;
  form: { id: string; name: string | null };
  outcome: 'created' | 'updated' | null;
  status: string;
  consents: Record<string, boolean>;
  values: Record<string, string | null>;
}
interface EmailItem {
  type: 'email';
  at: string;
  id: string;
  event: 'open' | 'click' | 'unsubscribe';
  send: { id: string; subject: string | null };
  link: { position: number; url: string | null; honeypot: boolean } | null;
  machine: string | null;
}
interface EmailSentItem {
  type: 'email_sent';
  at: string;
  id: string;
  send: { id: string; subject: string | null };
  status: 'sent' | 'hard_bounce' | 'soft_bounce';
  response: string | null;
}
interface OtherItem {
  type: string;
  at: string;
  id: string;
  kind?: string;
}
/** The feed's item for a forward (history has no shape of its own for it). */
interface ForwardItem extends OtherItem {
  type: 'email_forward';
  subjects: Record<string, { id: string; name: string | null }>;
  attributes: { addresses?: number };
}
type Item = VisitItem | SubmissionItem | EmailItem | EmailSentItem | ForwardItem | OtherItem;

const EMAIL_EVENT = { open: 'Opened', click: 'Clicked', unsubscribe: 'Unsubscribed from' } as const;

function VisitEntry({ item }: { item: VisitItem }) {
  const campaign = [item.utm['source'], item.utm['medium'], item.utm['campaign']].filter(Boolean).join(' / ');
  return (
    <>
      <p className="timeline-title">
        Visit to {item.website.name ?? 'a deleted website'} · {item.pageviewCount}{' '}
        {item.pageviewCount === 1 ? 'page' : 'pages'} · engaged {formatDuration(item.engagedMs / 1000)}
        {item.bot ? <span className="badge bad">bot: {item.bot}</span> : null}
      </p>
      {item.referrer || campaign ? (
        <p className="as-of">
          {item.referrer ? <>From {item.referrer}</> : null}
          {item.referrer && campaign ? ' · ' : null}
          {campaign ? <>Campaign {campaign}</> : null}
        </p>
      ) : null}
      <ol className="timeline-pages">
        {item.pageviews.map((view) => (
          <li key={`${view.at}-${view.url}`}>
            <span className="page-title">{view.title || view.path}</span>{' '}
            <span className="as-of">
              {view.path} · {formatDuration(view.engagedMs / 1000)}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

function SubmissionEntry({ item }: { item: SubmissionItem }) {
  const consents = Object.entries(item.consents);
  return (
    <>
      <p className="timeline-title">
        Submitted {item.form.name ?? 'a deleted form'}
        {item.outcome ? (
          <span className="badge">
            {item.outcome === 'created' ? 'created the contact' : 'updated the contact'}
          </span>
        ) : null}
      </p>
      <dl className="values">
        {Object.entries(item.values).map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{value ?? '—'}</dd>
          </div>
        ))}
        {consents.map(([key, given]) => (
          <div key={`consent-${key}`}>
            <dt>{key}</dt>
            <dd>{given ? 'consent given' : 'no consent'}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

function EmailEntry({ item }: { item: EmailItem }) {
  return (
    <p className="timeline-title">
      {EMAIL_EVENT[item.event]} “{item.send.subject ?? 'a deleted email'}”
      {item.link?.url ? <span className="as-of"> · {item.link.url}</span> : null}
      {item.machine ? <span className="badge">machine: {item.machine}</span> : null}
    </p>
  );
}

const BOUNCE = { hard_bounce: 'bounced (hard)', soft_bounce: 'bounced (soft)' } as const;

function EmailSentEntry({ item }: { item: EmailSentItem }) {
  return (
    <>
      <p className="timeline-title">
        Sent “{item.send.subject ?? 'a deleted email'}”
        {item.status === 'sent' ? null : <span className="badge bad">{BOUNCE[item.status]}</span>}
      </p>
      {item.status !== 'sent' && item.response ? <p className="as-of">{item.response}</p> : null}
    </>
  );
}

/** A post of an email's forward-to-a-friend form (the friends are no contacts: only how many). */
function ForwardEntry({ item }: { item: ForwardItem }) {
  const addresses = Number(item.attributes.addresses ?? 0);
  const send = item.subjects['send'];
  return (
    <p className="timeline-title">
      Forwarded “{send?.name ?? 'a deleted email'}” to {addresses} {addresses === 1 ? 'address' : 'addresses'}
    </p>
  );
}

const EVENT_CHANGE: Record<string, string> = {
  event_registered: 'Registered for',
  event_waitlisted: 'Joined the waitlist for',
  event_cancelled: 'Cancelled their registration for',
  event_left_waitlist: 'Left the waitlist for',
  event_place_offered: 'Was offered a freed place at',
  event_offer_accepted: 'Took the place offered at',
  event_offer_declined: 'Declined the place offered at',
  event_offer_expired: 'Let the offered place run out at',
};

/** A change of a registration for an event (the event website): one readable line naming the event. */
function EventRegistrationEntry({ item }: { item: FeedItem }) {
  const event = item.subjects?.['event'];
  return (
    <p className="timeline-title">
      {EVENT_CHANGE[item.kind ?? ''] ?? item.kind} “{event?.name ?? 'a deleted event'}”
    </p>
  );
}

/** A score change or becoming sales-ready (lead scoring): the model, the score before and after. */
function ScoringEntry({ item }: { item: FeedItem }) {
  const a = (item.attributes ?? {}) as {
    modelName?: string;
    score?: number;
    previousScore?: number;
    grade?: string | null;
  };
  const model = a.modelName ?? item.subjects?.['model']?.name ?? 'a model';
  return item.kind === 'became_sales_ready' ? (
    <p className="timeline-title">
      Became sales-ready in “{model}” at {a.score} <span className="badge good">Sales-ready</span>
    </p>
  ) : (
    <p className="timeline-title">
      Score in “{model}” went from {a.previousScore} to {a.score}
      {a.grade ? ` (grade ${a.grade})` : ''}
    </p>
  );
}

function Entry({ item }: { item: Item }) {
  switch (item.type) {
    case 'visit':
      return <VisitEntry item={item as VisitItem} />;
    case 'form_submission':
      return <SubmissionEntry item={item as SubmissionItem} />;
    case 'email':
      return <EmailEntry item={item as EmailItem} />;
    case 'email_sent':
      return <EmailSentEntry item={item as EmailSentItem} />;
    case 'email_forward':
      return <ForwardEntry item={item as ForwardItem} />;
    case 'consent':
      return <ConsentEntry item={item as FeedItem} />;
    case 'email_outcome':
      return <OutcomeEntry item={item as FeedItem} />;
    case 'event_registration':
      return <EventRegistrationEntry item={item as FeedItem} />;
    case 'event_check_ins':
      return (
        <p className="timeline-title">
          Checked in at “{(item as FeedItem).subjects?.['event']?.name ?? 'a deleted event'}”
        </p>
      );
    case 'scoring':
      return <ScoringEntry item={item as FeedItem} />;
    default:
      return <p className="timeline-title">{(item as OtherItem).kind ?? item.type}</p>;
  }
}

export function Timeline({ contactId }: { contactId: string }) {
  return (
    <>
      <SuppressionNotice contactId={contactId} />
      <Interactions contactId={contactId} />
    </>
  );
}

function Interactions({ contactId }: { contactId: string }) {
  const history = useInfiniteQuery({
    queryKey: ['contact-history', contactId],
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/contacts/{id}/history', {
          params: {
            path: { id: contactId },
            query: { limit: 25, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (history.isPending) return <Loading />;
  if (history.isError) return <ErrorState error={history.error} retry={() => history.refetch()} />;
  const items = history.data.pages.flatMap((page) => page.items) as Item[];
  if (items.length === 0)
    return (
      <EmptyState title="No interactions yet.">Visits, form submissions and email appear here.</EmptyState>
    );
  return (
    <>
      <ol className="timeline" aria-label="Interactions, newest first">
        {items.map((item) => (
          <li key={`${item.type}-${item.id}`} className={`timeline-item timeline-${item.type}`}>
            <time dateTime={item.at}>{formatDateTime(item.at)}</time>
            <Entry item={item} />
          </li>
        ))}
      </ol>
      {history.hasNextPage ? (
        <button type="button" onClick={() => history.fetchNextPage()} disabled={history.isFetchingNextPage}>
          {history.isFetchingNextPage ? 'Loading…' : 'Show older interactions'}
        </button>
      ) : null}
    </>
  );
}
