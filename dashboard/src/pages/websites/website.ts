// A website as the API gives it (GET /api/websites/{id}), and the settings a person edits.
import type { operations } from '../../api/schema';

export type Website = operations['getWebsite']['responses'][200]['content']['application/json'];
export type Report = operations['getWebsiteReport']['responses'][200]['content']['application/json'];

export interface WebsiteSettings {
  name: string;
  allowedOrigins: string[];
  visitTimeoutMinutes: number;
  visitorCookieDays: number;
  gpcMode: 'anonymize' | 'ignore';
  retentionDays: number | null;
}

export const DEFAULT_SETTINGS: WebsiteSettings = {
  name: '',
  allowedOrigins: [],
  visitTimeoutMinutes: 30,
  visitorCookieDays: 730,
  gpcMode: 'anonymize',
  retentionDays: null,
};

/** One origin per line (or separated by commas or spaces), blanks dropped. */
export function parseOrigins(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}
