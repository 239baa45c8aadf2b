// Page views sent to a running Spoor by concurrent loops, as browsers would, for the crash, shutdown and
// outage suites: which events were acknowledged (200), which were refused, which never got an answer.
import { CHROME_UA, eventId } from './spoor.ts';

export interface CollectLoadOptions {
  baseUrl: string;
  websiteId: string;
  /** The page's origin (one of the website's allowed origins). */
  site: string;
  concurrency: number;
}

export interface CollectLoad {
  /** Event ids answered 200: each must be stored. */
  readonly acknowledged: string[];
  /** Answers other than 200. */
  readonly refused: number;
  /** Requests that got no answer (connection refused or cut). */
  readonly dropped: number;
  /** Ends the loops and waits for them. */
  stop(): Promise<void>;
}

export function startCollectLoad(options: CollectLoadOptions): CollectLoad {
  const { baseUrl, websiteId, site } = options;
  const acknowledged: string[] = [];
  let refused = 0;
  let dropped = 0;
  let stopping = false;
  const loop = async (n: number) => {
    const visitor = `loadVisitor${String(n).padStart(10, '0')}`;
    while (!stopping) {
      const e = eventId();
      try {
        const res = await fetch(`${baseUrl}/c`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', origin: site, 'user-agent': CHROME_UA },
          body: JSON.stringify({ w: websiteId, e, t: 'pv', u: `${site}/p${n % 7}`, v: visitor }),
        });
        await res.arrayBuffer();
        if (res.status === 200) acknowledged.push(e);
        else refused += 1;
      } catch {
        dropped += 1;
        // The server is gone or going: don't spin.
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  };
  const loops = Array.from({ length: options.concurrency }, (_, n) => loop(n));
  return {
    acknowledged,
    get refused() {
      return refused;
    },
    get dropped() {
      return dropped;
    },
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}
