// A tracked website and the settings that shape its tracking.
import type { GpcMode } from '../tracking/consent-rules.ts';

export interface Website {
  id: string;
  name: string;
  allowedOrigins: string[];
  visitTimeoutMinutes: number;
  visitorCookieDays: number;
  gpcMode: GpcMode;
  createdAt: string;
  updatedAt: string;
}

export interface WebsiteSettings {
  name: string;
  allowedOrigins: string[];
  visitTimeoutMinutes: number;
  visitorCookieDays: number;
  gpcMode: GpcMode;
}

export const WEBSITE_DEFAULTS = {
  visitTimeoutMinutes: 30,
  visitorCookieDays: 730,
  gpcMode: 'anonymize',
} as const satisfies Partial<WebsiteSettings>;
