// A tracked website and the settings that shape its tracking.
/** What a browser's Global Privacy Control signal does on this website (tracking/consent-rules.ts). */
export type GpcMode = 'anonymize' | 'ignore';

export interface Website {
  id: string;
  name: string;
  allowedOrigins: string[];
  visitTimeoutMinutes: number;
  visitorCookieDays: number;
  gpcMode: GpcMode;
  /** Days after which anonymous tracking data is deleted; null keeps it. */
  retentionDays: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebsiteSettings {
  name: string;
  allowedOrigins: string[];
  visitTimeoutMinutes: number;
  visitorCookieDays: number;
  gpcMode: GpcMode;
  retentionDays: number | null;
}

export const WEBSITE_DEFAULTS = {
  visitTimeoutMinutes: 30,
  visitorCookieDays: 730,
  gpcMode: 'anonymize',
  retentionDays: null,
} as const satisfies Partial<WebsiteSettings>;
