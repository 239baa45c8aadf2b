// Labels automated traffic. Bots are stored with their label and left out of reports by default.
import { isbot } from 'isbot';

export type BotReason = 'user-agent' | 'headless' | 'webdriver' | 'no-user-agent';

export interface BotSignals {
  userAgent: string | undefined;
  /** navigator.webdriver as reported by the script. */
  webdriver: boolean;
}

export function classifyBot({ userAgent, webdriver }: BotSignals): BotReason | null {
  if (!userAgent || userAgent.trim() === '') return 'no-user-agent';
  // isbot already matches "HeadlessChrome"; name it apart because it is the commonest scraper signature.
  if (/HeadlessChrome|PhantomJS|SlimerJS|Electron\/.*Headless/i.test(userAgent)) return 'headless';
  if (isbot(userAgent)) return 'user-agent';
  if (webdriver) return 'webdriver';
  return null;
}
