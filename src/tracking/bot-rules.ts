// Labels automated traffic. Bots are stored with their label and left out of reports by default.
import { isbot } from 'isbot';

export type BotReason = 'user-agent' | 'headless' | 'webdriver' | 'no-user-agent';

export interface BotSignals {
  userAgent: string | undefined;
  /** navigator.webdriver as reported by the script. */
  webdriver: boolean;
}

// Browsers send a handful of distinct user agents; remember verdicts instead of running isbot's large
// regular expression on every hit.
const verdicts = new Map<string, BotReason | null>();

function classifyUserAgent(userAgent: string): BotReason | null {
  let verdict = verdicts.get(userAgent);
  if (verdict === undefined) {
    // isbot already matches "HeadlessChrome"; name it apart because it is the commonest scraper signature.
    verdict = /HeadlessChrome|PhantomJS|SlimerJS|Electron\/.*Headless/i.test(userAgent)
      ? 'headless'
      : isbot(userAgent)
        ? 'user-agent'
        : null;
    if (verdicts.size >= 5_000) verdicts.clear();
    verdicts.set(userAgent, verdict);
  }
  return verdict;
}

export function classifyBot({ userAgent, webdriver }: BotSignals): BotReason | null {
  if (!userAgent || userAgent.trim() === '') return 'no-user-agent';
  const byUserAgent = classifyUserAgent(userAgent);
  if (byUserAgent) return byUserAgent;
  return webdriver ? 'webdriver' : null;
}
