// Table types for Kysely: the one description of Spoor's storage, shared by SQLite and PostgreSQL.
// Instants are epoch milliseconds (bigint in PostgreSQL, parsed back to number); days are 'YYYY-MM-DD' (UTC).

export interface SettingsTable {
  key: string;
  value: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  created_at: number;
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
}

export interface PageviewsTable {
  website_id: string;
  event_id: string;
  visit_id: string | null;
  visitor_id: string | null;
  occurred_at: number;
  url: string;
  path: string;
  title: string | null;
  referrer: string | null;
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
}

export interface DailyCampaignsTable {
  website_id: string;
  day: string;
  bot: number;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  visits: number;
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

export interface Database {
  settings: SettingsTable;
  api_keys: ApiKeysTable;
  websites: WebsitesTable;
  visitors: VisitorsTable;
  visitor_aliases: VisitorAliasesTable;
  visits: VisitsTable;
  pageviews: PageviewsTable;
  daily_stats: DailyStatsTable;
  daily_pages: DailyPagesTable;
  daily_referrers: DailyReferrersTable;
  daily_campaigns: DailyCampaignsTable;
  daily_visitor_sketch: DailyVisitorSketchTable;
  contacts: ContactsTable;
  contact_fields: ContactFieldsTable;
  forms: FormsTable;
  form_submissions: FormSubmissionsTable;
  contact_merges: ContactMergesTable;
  prefill_tokens: PrefillTokensTable;
  contact_erasures: ContactErasuresTable;
}
