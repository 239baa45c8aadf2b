// Table types for Kysely: the one description of Spoor's storage, shared by SQLite and PostgreSQL.
// Instants are epoch milliseconds (bigint in PostgreSQL, parsed back to number); days are 'YYYY-MM-DD' (UTC).
import type { Generated, Kysely, Transaction } from 'kysely';

export interface SettingsTable {
  key: string;
  value: string;
}

export interface UsersTable {
  id: string;
  email: string;
  /** The email in lower case: unique. */
  email_key: string;
  name: string;
  role: string;
  /** argon2id PHC string; null until a password is set. */
  password_hash: string | null;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface InvitationsTable {
  id: string;
  email: string;
  name: string | null;
  role: string;
  invited_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  user_id: string | null;
}

export interface PasswordResetsTable {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actor_kind: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  target_id: string | null;
  outcome: string;
  status: number | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  created_at: number;
  /** Comma-separated scopes (src/access/scopes.ts); empty means full. */
  scopes: string;
  /** Updated at most once a minute per key. */
  last_used_at: number | null;
  /** A revoked key is refused on the next request, on every node. */
  revoked_at: number | null;
}

export interface WebsitesTable {
  id: string;
  name: string;
  /** JSON array of origins, e.g. ["https://www.shop.example", "https://*.shop.example"]. */
  allowed_origins: string;
  visit_timeout_minutes: number;
  visitor_cookie_days: number;
  gpc_mode: 'anonymize' | 'ignore';
  /** Days after which anonymous tracking data is deleted; null keeps it. */
  retention_days: number | null;
  created_at: number;
  updated_at: number;
}

/** A browser, across all of this install's websites (the tracking host's cookie is install-wide). */
export interface VisitorsTable {
  id: string;
  created_at: number;
  /** Moved when a visit starts, else at most every 5 minutes (VISITOR_SEEN_STEP_MS): not per page view. */
  last_seen_at: number;
  /** Set when identity links this browser to a contact (forms, email clicks). */
  contact_id: string | null;
}

/** Another id the same browser is known by (a first-party mirror that disagreed with the third-party cookie). */
export interface VisitorAliasesTable {
  alias_id: string;
  visitor_id: string;
}

export interface VisitsTable {
  id: string;
  website_id: string;
  visitor_id: string;
  started_at: number;
  last_seen_at: number;
  pageviews: number;
  engaged_ms: number;
  entry_path: string;
  referrer: string | null;
  referrer_host: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  bot: number;
  bot_reason: string | null;
  identified: number;
  /** The contact this visit belongs to (set when the browser is identified, kept when it changes hands). */
  contact_id: string | null;
  /** Its entry URL's scheme and authority ("https://www.shop.example"), which its page views' URLs leave out (migration 039). */
  origin: string | null;
}

/**
 * A page view. Its browser is its visit's (none without a visit). Read `url` through
 * src/tracking/store.ts: null means the visit's origin + path + url_query (src/tracking/compact-url.ts).
 */
export interface PageviewsTable {
  website_id: string;
  event_id: string;
  visit_id: string | null;
  occurred_at: number;
  url: string | null;
  /** With `url` null: what follows the path (query and fragment), null when nothing does. */
  url_query: string | null;
  path: string;
  title: string | null;
  /** Null with `referrer_path` set: the visit's origin + referrer_path (navigation within the site). */
  referrer: string | null;
  referrer_path: string | null;
  engaged_ms: number;
  bot: number;
  bot_reason: string | null;
  /** 1 when recorded under anonymize (no cookies, no visitor). */
  anonymous: number;
}

export interface DailyStatsTable {
  website_id: string;
  day: string;
  bot: number;
  pageviews: number;
  anonymous_pageviews: number;
  visits: number;
  bounces: number;
  engaged_ms: number;
}

export interface DailyPagesTable {
  website_id: string;
  day: string;
  bot: number;
  path: string;
  pageviews: number;
  engaged_ms: number;
}

export interface DailyReferrersTable {
  website_id: string;
  day: string;
  bot: number;
  referrer_host: string;
  visits: number;
  /** Figures of the visits counted here (migration 013, report dimensions): one-page visits, their page views and engaged time. */
  bounces: number;
  pageviews: number;
  engaged_ms: number;
}

/** Visits by the page they started on, with their figures (migration 013, report dimensions). */
export interface DailyEntryPagesTable {
  website_id: string;
  day: string;
  bot: number;
  entry_path: string;
  visits: number;
  bounces: number;
  pageviews: number;
  engaged_ms: number;
}

export interface DailyCampaignsTable {
  website_id: string;
  day: string;
  bot: number;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  visits: number;
  bounces: number;
  pageviews: number;
  engaged_ms: number;
}

/** HyperLogLog registers of the visitors seen per day: kind 'all' or 'identified'. */
export interface DailyVisitorSketchTable {
  website_id: string;
  day: string;
  bot: number;
  kind: string;
  reg: number;
  rho: number;
}

export interface ContactsTable {
  id: string;
  email: string | null;
  email_match: string | null;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  phone: string | null;
  job_title: string | null;
  country: string | null;
  /** JSON object of custom field values, keyed by contact_fields.key. */
  custom: string;
  /** The contact ticked "remember me": prefill may show their values. */
  prefill_allowed: number;
  /** Email open/click tracking: null = the install's default, 0/1 = the contact's own choice. */
  email_tracking: number | null;
  /** 1 = never send this contact marketing email. */
  do_not_email: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface ContactFieldsTable {
  key: string;
  label: string;
  type: 'text' | 'number' | 'boolean' | 'date';
  created_at: number;
}

export interface FormsTable {
  id: string;
  name: string;
  website_id: string | null;
  page_slug: string | null;
  /** JSON FormDefinition (src/forms/form-definition.ts). */
  definition: string;
  created_at: number;
  updated_at: number;
}

export interface FormSubmissionsTable {
  id: string;
  form_id: string;
  submission_key: string;
  received_at: number;
  status: 'pending' | 'processed' | 'failed';
  payload: string;
  visitor_id: string | null;
  anonymous: number;
  contact_id: string | null;
  outcome: 'created' | 'updated' | null;
  error: string | null;
}

export interface ContactMergesTable {
  id: string;
  winner_id: string;
  loser_id: string;
  merged_at: number;
  reason: string;
  loser_snapshot: string;
}

export interface PrefillTokensTable {
  token_hash: string;
  contact_id: string;
  created_at: number;
}

/** Audit of an erasure: which contact id, when, and counts of what went. No personal data. */
export interface ContactErasuresTable {
  id: string;
  contact_id: string;
  erased_at: number;
  /** JSON object of deleted row counts by kind (see src/privacy/erase-contact.ts). */
  counts: string;
}

export interface ListsTable {
  id: string;
  name: string;
  description: string | null;
  created_at: number;
  updated_at: number;
  /** 1: shown on the subscription center, under its public name and description. */
  public: Generated<number>;
  public_name: Generated<string | null>;
  public_description: Generated<string | null>;
  /** 1: a form sign-up to the list waits for the person to confirm it (double opt-in). */
  double_opt_in: Generated<number>;
}

/** A contact's subscription to a list before or after a change; 'none' is not on the list. */
export type ConsentState = 'none' | 'subscribed' | 'unsubscribed';

/** One change of a contact's subscription to a list (every one: the center, a link, a form, a confirmation). */
export interface ConsentEventsTable {
  id: string;
  contact_id: string;
  list_id: string;
  before: ConsentState;
  after: ConsentState;
  occurred_at: number;
  source: string;
  send_id: string | null;
  wording_version: string | null;
  /** JSON evidence of a confirmed sign-up (form, submission, times); null otherwise. */
  evidence: string | null;
}

/** A form sign-up waiting for its confirmation (double opt-in): no contact until it is confirmed. */
export interface PendingSignupsTable {
  id: string;
  form_id: string;
  submission_id: string;
  email: string;
  payload: string;
  created_at: number;
  expires_at: number;
  mail_sent_at: number | null;
}

export type ListMemberStatus = 'subscribed' | 'unsubscribed';

export interface ListMembersTable {
  list_id: string;
  contact_id: string;
  status: ListMemberStatus;
  /** How the contact came onto the list: 'api', 'form', 'import'. */
  source: string;
  added_at: number;
  unsubscribed_at: number | null;
  /** The send whose email led to the unsubscribe. */
  unsubscribed_send_id: string | null;
}

export interface MessagesTable {
  id: string;
  name: string;
  subject: string;
  /** Liquid template; merge fields read the contact ({{ contact.first_name }}). */
  html: string;
  /** Plain-text template; null = made from the HTML. */
  text: string | null;
  from_name: string | null;
  from_email: string | null;
  reply_to: string | null;
  created_at: number;
  updated_at: number;
}

/** `paused`: the relay refused recipient after recipient for reasons not theirs; waits for a resume. */
export type SendStatus = 'queued' | 'preparing' | 'sending' | 'paused' | 'done' | 'cancelled';

/** One sending of a message to lists; the message is copied in so later edits change nothing sent. */
export interface SendsTable {
  id: string;
  message_id: string;
  /** JSON array of list ids. */
  list_ids: string;
  status: SendStatus;
  subject: string;
  html: string;
  text: string | null;
  from_name: string | null;
  from_email: string | null;
  reply_to: string | null;
  created_at: number;
  prepared_at: number | null;
  finished_at: number | null;
  /** List memberships found, a contact on two lists counted twice. */
  recipients_total: Generated<number>;
  /** Memberships that named a contact already on the send. */
  duplicates: Generated<number>;
  lease_owner: string | null;
  lease_until: number | null;
  /** Why the send is paused, for a person to read; null otherwise. */
  error: Generated<string | null>;
  /** Refusals not the recipients' in a row (reset by an acceptance or an address refusal). */
  refusal_streak: Generated<number>;
  /** The latest failure to reach, greet or log in to the SMTP server while sending, for a person to read. */
  last_error: Generated<string | null>;
  last_error_at: Generated<number | null>;
}

export interface SendLinksTable {
  send_id: string;
  position: number;
  url: string;
  /** 1 = the hidden link no person sees. */
  honeypot: Generated<number>;
}

export type RecipientStatus =
  | 'pending'
  | 'sending'
  | 'sent'
  | 'blocked'
  | 'hard_bounce'
  | 'soft_bounce'
  | 'unconfirmed';

export type BlockReason = 'unsubscribed' | 'do_not_email' | 'no_address' | 'hard_bounced';

export interface SendRecipientsTable {
  send_id: string;
  contact_id: string;
  email: string | null;
  status: RecipientStatus;
  block_reason: BlockReason | null;
  attempts: Generated<number>;
  next_attempt_at: Generated<number>;
  last_response: string | null;
  sent_at: number | null;
  smtp_message_id: string | null;
}

export type EmailEventKind = 'open' | 'click' | 'unsubscribe';

export interface EmailEventsTable {
  id: string;
  send_id: string;
  /** null when the contact had not allowed tracking (counted, attached to no one). */
  contact_id: string | null;
  recipient_key: string;
  kind: EmailEventKind;
  link_position: number | null;
  occurred_at: number;
  machine: Generated<number>;
  machine_reason: string | null;
  implied: Generated<number>;
  source_hash: string | null;
  user_agent: string | null;
}

export interface SendCountersTable {
  send_id: string;
  name: string;
  value: number;
}

export interface SendEngagementTable {
  send_id: string;
  recipient_key: string;
  /** 'open', 'click' or 'link:N'. */
  scope: string;
  human: Generated<number>;
  machine: Generated<number>;
}

export interface EmailSuppressionsTable {
  email_match: string;
  /** hard_bounce | soft_bounces | complaint */
  reason: string;
  send_id: string | null;
  detail: string | null;
  created_at: number;
  /** The suppression ends then; null = permanent (a complaint). */
  until: number | null;
  /** How many times the address has been listed for bounces (the duration grows with it). */
  listings: Generated<number>;
  contact_id: string | null;
  category: string | null;
}

/** A suppression listed or lifted (kept when it ends, so each address's history can be shown). */
export interface EmailSuppressionHistoryTable {
  id: string;
  email_match: string;
  contact_id: string | null;
  action: 'listed' | 'lifted';
  reason: string;
  category: string | null;
  send_id: string | null;
  detail: string | null;
  listing: number | null;
  until: number | null;
  at: number;
}

export type OutcomeKind = 'hard_bounce' | 'soft_bounce' | 'blocked' | 'complaint' | 'auto_reply';
export type OutcomeSource = 'smtp' | 'dsn' | 'arf' | 'reply' | 'webhook';

/** What became of one email after it was sent: a bounce, a complaint or an auto-reply. */
export interface BounceOutcomesTable {
  id: string;
  send_id: string;
  contact_id: string;
  email_match: string | null;
  kind: OutcomeKind;
  category: string;
  status: string | null;
  detail: string | null;
  source: OutcomeSource;
  report_id: string | null;
  occurred_at: number;
}

export type ReportVerdict = 'recorded' | 'duplicate' | 'unparseable' | 'forged' | 'unmatched' | 'ignored';

/** A report taken in (a DSN, an ARF report, an auto-reply …) and what became of it. */
export interface BounceReportsTable {
  id: string;
  received_at: number;
  source: string;
  verdict: ReportVerdict;
  reason: string;
  envelope_from: string | null;
  envelope_to: string | null;
  size: number;
  raw: string | null;
}

/** Tokens of signed webhook requests already taken (Mailgun's replay rule; migration 021). */
export interface WebhookTokensTable {
  provider: string;
  token: string;
  seen_at: number;
}

/** Each interaction-feed consumer's cursor (src/platform/interactions/feed-consumer.ts; migration 032). */
export interface FeedConsumersTable {
  name: string;
  cursor: string;
  items_handled: Generated<number>;
  updated_at: number;
}

/** Lead scoring's models (src/scoring, decision 036): the name; its versions hold the rules. */
export interface ScoringModelsTable {
  id: string;
  name: string;
  /** The version scores are read from; null until the first publish. */
  published_version_id: string | null;
  archived_at: number | null;
  created_at: number;
  updated_at: number;
}

export type ScoringVersionState = 'draft' | 'publishing' | 'published' | 'retired';

export interface ScoringModelVersionsTable {
  id: string;
  model_id: string;
  number: number;
  /** The ModelSpec as JSON (src/scoring/model-rules.ts). */
  spec: string;
  state: ScoringVersionState;
  /** Contacts recomputed so far / to recompute, while publishing. */
  progress_done: number;
  progress_total: number;
  /** The last contact id a publish recomputed (it resumes after it). */
  progress_after: string | null;
  publish_started_at: number | null;
  published_at: number | null;
  created_at: number;
  updated_at: number;
}

/** One award of a rule for an interaction (source + item), or a manual adjustment (no rule, a reason). */
export interface ScoreLedgerTable {
  id: string;
  model_id: string;
  version_id: string;
  contact_id: string;
  rule_id: string | null;
  source: string | null;
  item_id: string | null;
  points: number;
  awarded_at: number;
  expires_at: number | null;
  reason: string | null;
  author: string | null;
  created_at: number;
}

/** Lead scoring's settling mark per website: every human visit started up to (started_at, visit_id) is settled. */
export interface ScoringVisitMarksTable {
  website_id: string;
  started_at: number;
  visit_id: string;
  updated_at: number;
}

/** What a version's ledger adds up to for a contact at computed_at. */
export interface ContactScoresTable {
  contact_id: string;
  version_id: string;
  model_id: string;
  score: number;
  grade: string | null;
  computed_at: number;
  /** When the score next changes by decay alone (the decay job's due time); null: never. */
  next_change_at: number | null;
}

/** Sticky sales-ready status per contact × model: kept until a marketer clears it. */
export interface SalesReadyTable {
  contact_id: string;
  model_id: string;
  since: number;
  score: number;
}

export interface SalesReadyChangesTable {
  id: string;
  contact_id: string;
  model_id: string;
  change: 'became' | 'cleared';
  score: number;
  author: string | null;
  reason: string | null;
  at: number;
}

/** Items of the `scoring` interaction source: score_changed, became_sales_ready. */
export interface ScoringEventsTable {
  id: string;
  contact_id: string;
  model_id: string;
  kind: 'score_changed' | 'became_sales_ready';
  /** JSON: { modelId, modelName, score, previousScore, grade, salesReady }. */
  attributes: string;
  occurred_at: number;
}

/** A contact's creation, change, merge or erasure: an outbox entry of the feed (decision 037). */
export interface ContactChangesTable {
  id: string;
  contact_id: string;
  change: 'created' | 'updated' | 'merged' | 'erased';
  other_contact_id: string | null;
  fields: string | null;
  occurred_at: number;
}

/** An outgoing webhook endpoint (src/webhooks). */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: Generated<string>;
  event_types: string;
  secrets: string;
  state: 'enabled' | 'paused' | 'disabled';
  state_reason: string | null;
  state_changed_at: number;
  failing_since: number | null;
  last_success_at: number | null;
  last_failure_at: number | null;
  created_at: number;
  updated_at: number;
}

/** One feed item for one endpoint: sent in seq order per endpoint × contact. */
export interface WebhookDeliveriesTable {
  seq: Generated<number>;
  id: string;
  endpoint_id: string;
  contact_id: string;
  event_type: string;
  payload: string;
  /** pending (to send or retry) | delivered | failed (given up) */
  state: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: number;
  created_at: number;
  /** Retries stop 3 days after this: the delivery's creation, or its last replay. */
  window_start: number;
  last_attempt_at: number | null;
  delivered_at: number | null;
  last_status: number | null;
  last_error: string | null;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempted_at: number;
  duration_ms: number;
  status: number | null;
  response_body: string | null;
  error: string | null;
}

/** The job runner's jobs (src/platform/jobs): leased by one node at a time. */
export interface JobsTable {
  id: string;
  kind: string;
  key: string;
  payload: string | null;
  status: 'pending' | 'failed';
  run_at: number;
  attempts: Generated<number>;
  generation: Generated<number>;
  last_error: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  failed_at: number | null;
}

/** One row per interaction in commit order, written by triggers (migration 011, src/platform/interactions). */
export interface InteractionLogTable {
  seq: Generated<number>;
  /** PostgreSQL only: the writing transaction (xid8, as text), for reading below the running ones. */
  xid?: Generated<string>;
  source: string;
  item_id: string;
}

/** What a send would do with a list's members, counted (migration 015, kept by triggers). */
export type AudienceState = 'receivable' | BlockReason;

/** Each list's members by audience state (docs/decisions/021-send-estimate-counters.md). */
export interface ListAudienceCountsTable {
  list_id: string;
  state: AudienceState;
  members: number | string;
}

/**
 * Receivable members of a list whose address has a suppression, by the suppression's expiry (`until`; a
 * permanent one under 2^53 − 1), kept by triggers (migration 019, decision 021).
 */
export interface ListSuppressedCountsTable {
  list_id: string;
  until: number | string;
  members: number | string;
}

export type ContactImportStatus = 'waiting' | 'running' | 'done' | 'failed';

/** A CSV import and its progress, read by the dashboard while the file streams in (src/contacts). */
export interface ContactImportsTable {
  id: string;
  status: ContactImportStatus;
  /** The list every imported contact joins (source 'import'); null for none. */
  list_id: string | null;
  on_duplicate: 'update' | 'skip';
  unknown_columns: 'refuse' | 'ignore';
  bytes_total: number | null;
  bytes_read: number;
  /** JSON ImportSummary so far, per-row errors included. */
  summary: string;
  error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** A form's counters per UTC day: shown, submitted, and what the submissions did to contacts. */
/** A managed offer link (src/offers): valid from starts_at (inclusive) to ends_at (exclusive). */
export interface OffersTable {
  id: string;
  name: string;
  claim_url: string;
  /** Where a person goes in each state; null = Spoor's own page. */
  not_started_url: string | null;
  ended_url: string | null;
  exhausted_url: string | null;
  withdrawn_url: string | null;
  /** IANA time zone the marketer gave start and end in, and the local times as given. */
  time_zone: string;
  starts_local: string;
  ends_local: string;
  starts_at: number;
  ends_at: number;
  /** null = no total limit. */
  claim_limit: number | null;
  per_contact_limit: Generated<number>;
  /** Claims taken; only ever raised by the one conditional update that takes a claim. */
  claimed: Generated<number>;
  withdrawn_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A contact's claims of an offer: one row per offer × contact. */
export interface OfferClaimsTable {
  offer_id: string;
  contact_id: string;
  claims: number;
  first_claimed_at: number;
  last_claimed_at: number;
}

export type OfferReason =
  | 'claimed'
  | 'already_claimed'
  | 'not_started'
  | 'ended'
  | 'exhausted'
  | 'withdrawn'
  | 'machine';

/** Every follow of an offer link and why it went where it went. */
export interface OfferHitsTable {
  id: string;
  offer_id: string;
  send_id: string;
  contact_id: string;
  reason: OfferReason;
  /** The scanner rule that labelled a machine follow. */
  machine_reason: string | null;
  method: string;
  user_agent: string | null;
  source_hash: string | null;
  occurred_at: number;
}

/** The offers a send's message carries (the sends domain's; "delivered" for an offer reads it). */
export interface SendOffersTable {
  send_id: string;
  offer_id: string;
}

export interface FormDailyCountsTable {
  form_id: string;
  day: string;
  views: Generated<number>;
  submissions: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
}

export type EventStatus = 'draft' | 'published' | 'cancelled';

/** An event of the event website (src/events, migration 024); times are instants, shown in `time_zone`. */
export interface EventsTable {
  id: string;
  slug: string;
  status: EventStatus;
  website_id: string | null;
  time_zone: string;
  starts_at: number;
  ends_at: number;
  venue: string | null;
  online_url: string | null;
  /** JSON array of language codes, the first the default. */
  languages: string;
  /** JSON { [language]: { name, description } }. */
  texts: string;
  capacity: number | null;
  /** Places taken (registrations), raised by one conditional update so it never passes `capacity`. */
  taken: Generated<number>;
  registration_opens_at: number | null;
  registration_closes_at: number | null;
  /** The Spoor form the event page's registration form submits through, made on first use (migration 027). */
  registration_form_id: string | null;
  created_at: number;
  updated_at: number;
  published_at: number | null;
  cancelled_at: number | null;
  /** iCalendar SEQUENCE, raised when the times or place change (migration 029). */
  calendar_sequence: Generated<number>;
}

export interface EventSessionsTable {
  id: string;
  event_id: string;
  starts_at: number;
  ends_at: number;
  room: string | null;
  /** JSON array of names. */
  speakers: string;
  texts: string;
  capacity: number | null;
  taken: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface EventPassesTable {
  id: string;
  event_id: string;
  texts: string;
  capacity: number | null;
  taken: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface EventPassSessionsTable {
  pass_id: string;
  session_id: string;
}

export interface EventRegistrationsTable {
  id: string;
  event_id: string;
  contact_id: string;
  pass_id: string | null;
  status: RegistrationStatus;
  created_at: number;
  cancelled_at: number | null;
  /** Set while a freed place is held for this waitlisted row (its counters taken; migration 027). */
  offered_at: number | null;
  offer_expires_at: number | null;
  /** When it was checked in at the door (migration 028); null until then. */
  checked_in_at: Generated<number | null>;
  /** The user (or API key) who checked it in. */
  checked_in_by: Generated<string | null>;
  /** The language of the confirmation and invitation (migration 029); null: the event's default. */
  language?: string | null;
  /** The last invitation sent: 'request' or 'cancel', and its SEQUENCE (migration 029). */
  invitation_method?: string | null;
  invitation_sequence?: number | null;
}

/** A change of a registration, for the contact's timeline (migration 027). */
export interface EventRegistrationChangesTable {
  id: string;
  registration_id: string;
  event_id: string;
  contact_id: string;
  change: string;
  occurred_at: number;
}

/** 'waitlisted': waiting for a place (migration 027). */
export type RegistrationStatus = 'registered' | 'waitlisted' | 'cancelled';

export interface EventRegistrationSessionsTable {
  registration_id: string;
  session_id: string;
}

/** An emailed sign-in link of the event website: single use, short-lived. */
export interface EventSignInsTable {
  id: string;
  contact_id: string;
  email: string;
  created_at: number;
  expires_at: number;
  mail_sent_at: number | null;
  used_at: number | null;
}

export interface EventPortalSessionsTable {
  id: string;
  contact_id: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
}

export interface Database {
  settings: SettingsTable;
  api_keys: ApiKeysTable;
  users: UsersTable;
  sessions: SessionsTable;
  invitations: InvitationsTable;
  password_resets: PasswordResetsTable;
  audit_log: AuditLogTable;
  websites: WebsitesTable;
  visitors: VisitorsTable;
  visitor_aliases: VisitorAliasesTable;
  visits: VisitsTable;
  pageviews: PageviewsTable;
  daily_stats: DailyStatsTable;
  daily_pages: DailyPagesTable;
  daily_referrers: DailyReferrersTable;
  daily_campaigns: DailyCampaignsTable;
  daily_entry_pages: DailyEntryPagesTable;
  daily_visitor_sketch: DailyVisitorSketchTable;
  contacts: ContactsTable;
  contact_fields: ContactFieldsTable;
  forms: FormsTable;
  form_submissions: FormSubmissionsTable;
  contact_merges: ContactMergesTable;
  prefill_tokens: PrefillTokensTable;
  contact_erasures: ContactErasuresTable;
  lists: ListsTable;
  list_members: ListMembersTable;
  consent_events: ConsentEventsTable;
  pending_signups: PendingSignupsTable;
  messages: MessagesTable;
  sends: SendsTable;
  send_links: SendLinksTable;
  send_recipients: SendRecipientsTable;
  email_events: EmailEventsTable;
  send_counters: SendCountersTable;
  send_engagement: SendEngagementTable;
  email_suppressions: EmailSuppressionsTable;
  email_suppression_history: EmailSuppressionHistoryTable;
  bounce_outcomes: BounceOutcomesTable;
  bounce_reports: BounceReportsTable;
  webhook_tokens: WebhookTokensTable;
  jobs: JobsTable;
  interaction_log: InteractionLogTable;
  feed_consumers: FeedConsumersTable;
  contact_changes: ContactChangesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  scoring_models: ScoringModelsTable;
  scoring_model_versions: ScoringModelVersionsTable;
  score_ledger: ScoreLedgerTable;
  contact_scores: ContactScoresTable;
  sales_ready: SalesReadyTable;
  sales_ready_changes: SalesReadyChangesTable;
  scoring_events: ScoringEventsTable;
  scoring_visit_marks: ScoringVisitMarksTable;
  contact_imports: ContactImportsTable;
  form_daily_counts: FormDailyCountsTable;
  list_audience_counts: ListAudienceCountsTable;
  list_suppressed_counts: ListSuppressedCountsTable;
  offers: OffersTable;
  offer_claims: OfferClaimsTable;
  offer_hits: OfferHitsTable;
  send_offers: SendOffersTable;
  forwards: ForwardsTable;
  forward_copies: ForwardCopiesTable;
  forward_events: ForwardEventsTable;
  events: EventsTable;
  event_sessions: EventSessionsTable;
  event_passes: EventPassesTable;
  event_pass_sessions: EventPassSessionsTable;
  event_registrations: EventRegistrationsTable;
  event_registration_sessions: EventRegistrationSessionsTable;
  event_registration_changes: EventRegistrationChangesTable;
  event_sign_ins: EventSignInsTable;
  event_portal_sessions: EventPortalSessionsTable;
}

/** A post of the forward-to-a-friend form: the forwarder's interaction (migration 020). */
export interface ForwardsTable {
  id: string;
  send_id: string;
  contact_id: string;
  addresses: number;
  created_at: number;
}

export type ForwardCopyStatus = 'queued' | 'sent' | 'blocked' | 'limited' | 'failed';

/** One address entered in the forward form: the friend's copy. */
export interface ForwardCopiesTable {
  id: string;
  forward_id: string;
  send_id: string;
  /** The forwarder. */
  contact_id: string;
  /** Keyed hash of the friend's address (never the address once sent). */
  friend_hash: string;
  /** The plain address until the copy is sent or given up. */
  email: string | null;
  status: ForwardCopyStatus;
  detail: string | null;
  created_at: number;
  sent_at: number | null;
}

/** An open or click of a forwarded copy: the send's and the forwarder's, never a contact's. */
export interface ForwardEventsTable {
  id: string;
  copy_id: string;
  send_id: string;
  kind: 'open' | 'click';
  link_position: number | null;
  occurred_at: number;
  machine: Generated<number>;
  machine_reason: string | null;
  implied: Generated<number>;
  source_hash: string | null;
  user_agent: string | null;
}

/** A connection or a transaction: what every store's functions take. */
export type Db = Kysely<Database> | Transaction<Database>;
