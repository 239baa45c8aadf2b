// Decides whether a hit may use identifiers (cookies) or must be counted anonymously.
import type { GpcMode } from '../websites/website.ts';

export type { GpcMode };

export interface ConsentSignals {
  /** The page said so: spoorConfigureTracking()/d365mktConfigureTracking() or reconfigureTracking(). */
  pageAnonymize: boolean;
  /** Sec-GPC: 1 request header. */
  gpcHeader: boolean;
  /** navigator.globalPrivacyControl as seen by the script. */
  gpcScript: boolean;
  gpcMode: GpcMode;
}

export type ConsentReason = 'page' | 'gpc' | null;

export interface ConsentDecision {
  anonymize: boolean;
  reason: ConsentReason;
}

export function decideConsent(signals: ConsentSignals): ConsentDecision {
  if (signals.pageAnonymize) return { anonymize: true, reason: 'page' };
  if (signals.gpcMode === 'anonymize' && (signals.gpcHeader || signals.gpcScript)) {
    return { anonymize: true, reason: 'gpc' };
  }
  return { anonymize: false, reason: null };
}
