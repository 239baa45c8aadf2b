// The install's privacy defaults, as one read-only view: what a new website starts with, whether email
// tracking applies to contacts who never chose, how long the prefill cookie lives, and the rules that are
// not settings at all (no IP address is stored).
import type { Config } from '../config.ts';
import { WEBSITE_DEFAULTS } from '../websites/website.ts';

export function privacyDefaults(config: Config) {
  return {
    newWebsites: {
      visitorCookieDays: WEBSITE_DEFAULTS.visitorCookieDays,
      visitTimeoutMinutes: WEBSITE_DEFAULTS.visitTimeoutMinutes,
      gpcMode: WEBSITE_DEFAULTS.gpcMode,
      retentionDays: WEBSITE_DEFAULTS.retentionDays,
    },
    emailTrackingDefault: config.emailTrackingDefault,
    prefillCookieDays: config.prefillCookieDays,
    retentionIntervalMinutes: config.retentionIntervalMinutes,
    ipAddressesStored: false as const,
  };
}
