// Spoor's browser tracker: page views, engaged time, SPA navigation and consent, speaking the wire
// protocol in docs/collect-protocol.md. Bundled to tracker/dist/spoor.js; budget 2,048 bytes gzipped,
// so the code favours short forms over ceremony. The exported helpers are pure and unit-tested.
import { type Consent, isAnonymous } from './consent.ts';

type Hit = Record<string, string | number | undefined>;
type Reply = { v?: string; s?: string; vt?: number; vd?: number; h?: string };
interface TrackingApi {
  reconfigureTracking(o?: Consent): void;
  /** The page's current choice (hook, then reconfigureTracking); the form loader reads it. */
  anonymize: boolean;
}

declare global {
  interface Window {
    /** Prepended by `GET /s/{websiteId}.js`: the website id and Spoor's public origin. */
    __spoor?: { w?: string; o?: string };
    Spoor?: TrackingApi;
    /** Outbound-marketing alias, for pages migrated from Dynamics 365. */
    MsCrmMkt?: TrackingApi;
    spoorConfigureTracking?: () => Consent;
    d365mktConfigureTracking?: () => Consent;
  }
}

/**
 * Domains to try, shortest first, when looking for the site's registrable domain: the browser
 * refuses a cookie on a public suffix (co.uk), so the first one that sticks is the registrable
 * domain without shipping a public-suffix list. IP literals and single labels get none (host-only).
 */
export const cookieDomains = (host: string): string[] => {
  const labels = host.split('.');
  const out: string[] = [];
  if (!/^[\d.]*$|:/.test(host))
    for (let i = labels.length - 2; i >= 0; i--) out.push(labels.slice(i).join('.'));
  return out;
};

export { isAnonymous };

/** The collect endpoint next to the script: `…/s/{id}.js` and `…/spoor.js` both live at the host root. */
export const collectUrl = (src: string): string => src.replace(/[?#].*/, '').replace(/(\/s)?\/[^/]*$/, '/c');

/** 128 random bits as 22 base64url characters, the shape the server accepts for ids. */
export const newId = (): string =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
    .slice(0, 22)
    .replace(/\+/g, '-')
    .replace(/\//g, '_');

/**
 * An event's id: the time in base 36 (8 characters, in order until 2059) and 96 random bits. Page views
 * of the same moment then sit side by side in the server's index instead of all over it; the random
 * part keeps ids unique. Visitor ids stay wholly random.
 */
export const eventId = (): string => Date.now().toString(36).padStart(8, '0') + newId().slice(0, 16);

// Everything that touches the page runs inside try/catch: a tracker must never break the site. (Outside
// a browser, e.g. when the unit tests import this file, `window` is missing and this simply does nothing.)
try {
  const g = window;
  const d = document;
  const n = navigator;
  const L = location;
  const VID = 'spoor_vid';
  const HP = 'spoor_h';
  const SID = 'spoor_sid';
  const me = d.currentScript as HTMLScriptElement | null;
  const mkt = d.querySelector<HTMLElement>('.d365-mkt-config');
  let w = g.__spoor?.w || me?.dataset.website;
  let url = me?.src ? collectUrl(me.src) : '';
  if (!w && mkt) {
    w = mkt.dataset.websiteId;
    // data-hostname names the tracking host; the script itself may come from anywhere (a CDN).
    if (mkt.dataset.hostname) url = 'https://' + mkt.dataset.hostname + '/c';
  }

  // The API doubles as the "already running" flag, so a page that includes the script twice tracks once.
  if (w && url && !g.Spoor) {
    // First-party mode: the customer's proxy serves us on the page's origin and the server sets HttpOnly
    // cookies itself, so the script neither reads nor writes cookies.
    const fp = url.indexOf(L.origin + '/') === 0;
    const secure = L.protocol === 'https:' ? '; Secure' : '';
    const domains = cookieDomains(L.hostname).map((x) => '; Domain=' + x);
    let home: string | undefined;
    let anon: boolean;
    let pid: string;
    let href: string;
    let ms = 0;
    let sentMs = 0;
    let since = 0;
    // Global Privacy Control: whether it anonymizes is the website's setting (gpcMode), which only the server
    // knows. Until a reply says otherwise (it names a visitor), the script writes no cookie at all.
    const gpc = !!(n as { globalPrivacyControl?: boolean }).globalPrivacyControl;
    // The visitor the last reply named (none when anonymous): the one a hosted-page link may hand over.
    let vid: string | undefined;
    // An email click hands its browser over in the landing URL (spoor_h, see src/identity/handoff.ts):
    // it goes with the hits until the server answers, and never into the address bar or a recorded URL.
    let h = (L.search.match(/[?&]spoor_h=([^&#]*)/) || [])[1];
    if (h)
      history.replaceState(
        history.state,
        '',
        L.href.replace(/([?&])spoor_h=[^&#]*&?/, '$1').replace(/[?&](#|$)/, '$1'),
      );

    const safe =
      <A extends unknown[]>(f: (...a: A) => void) =>
      (...a: A): void => {
        try {
          f(...a);
        } catch {}
      };
    const setCookie = (k: string, v: string, age: number, domain: string) => {
      // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is async and absent from Safari.
      d.cookie = k + '=' + v + '; Max-Age=' + age + '; Path=/; SameSite=Lax' + domain + secure;
    };
    const readCookie = (k: string) => (d.cookie.match('(?:^|; )' + k + '=([^;]+)') || [])[1];
    // Probed once, on the first write: the shortest candidate a random test cookie sticks on.
    const homeDomain = (): string => {
      if (home == null) {
        home = '';
        for (const c of domains) {
          const t = newId();
          setCookie('spoor_t', t, 9, c);
          if (d.cookie.indexOf('spoor_t=' + t) >= 0) {
            setCookie('spoor_t', '', 0, c);
            home = c;
            break;
          }
        }
      }
      return home;
    };
    // Deletes on every candidate and host-only, so no copy survives whatever domain it was set on; and
    // writes nothing at all when there is nothing to delete.
    const clearMirrors = () => {
      if (readCookie(VID) || readCookie(SID))
        for (const c of domains.concat('')) {
          setCookie(VID, '', 0, c);
          setCookie(SID, '', 0, c);
        }
    };
    const body = (o: Hit): Hit => {
      o.w = w;
      o.e = o.e || eventId();
      if (anon) o.a = 1;
      else if (!fp) {
        let v = readCookie(VID);
        // A browser we have not met names itself (the server adopts a well-formed new id), and the mirror is
        // written now: a visitor who leaves before the first reply, with third-party cookies blocked, is
        // still the same visitor on the next page. The reply rewrites it with the real lifetime. Not under
        // GPC: there the first mirror waits for a reply that names a visitor (the website ignores GPC).
        if (!v && !gpc) {
          v = newId();
          setCookie(VID, v, 86400, homeDomain());
        }
        o.v = v;
        o.s = readCookie(SID);
      }
      if (h && !anon) o.h = h;
      if (gpc) o.g = 1;
      if (n.webdriver) o.wd = 1;
      if (fp) o.fp = 1;
      return o;
    };
    // A string body goes as text/plain: a CORS-simple request, so no preflight.
    const init = (b: string): RequestInit => ({
      method: 'POST',
      body: b,
      keepalive: true,
      credentials: 'include',
    });
    const mirror = (j: Reply) => {
      h = '';
      vid = j.v;
      if (fp || anon) return;
      // No `v` means the server counted the hit anonymously (e.g. GPC on a website that honours it).
      if (j.v) {
        setCookie(VID, j.v, (j.vd as number) * 86400, homeDomain());
        setCookie(SID, j.s as string, j.vt as number, homeDomain());
      } else clearMirrors();
    };
    // Page views go out one at a time, each composed once the reply to the one before is in, so that it
    // carries the ids (cookies, mirrors) that reply set: an app that navigates right after load, before Spoor
    // has answered, must not count as a second, new visitor. A failed page view is retried once with the
    // same event id (the server stores it once); 4xx is final.
    let queue: Promise<unknown> = Promise.resolve();
    const post = (o: Hit, again?: 1) => {
      queue = queue.then(() =>
        fetch(url, init(JSON.stringify(body(o))))
          .then((r) => {
            if (r.status > 499) throw 0;
            if (r.ok) return r.json().then(mirror);
          })
          .catch(() => again && setTimeout(post, 1e3, o)),
      );
    };
    // Engaged time accrues only while the tab is visible and the window focused.
    // `stop` is for pagehide, which can come while the page still reads as visible and focused.
    const tick = (stop?: boolean) => {
      const now = performance.now();
      if (since) ms += now - since;
      since = !stop && d.visibilityState === 'visible' && d.hasFocus() ? now : 0;
    };
    // `ms` is cumulative and the server keeps its maximum, so only growth is worth a request. Callers
    // tick() first. No pid yet = prerendering, nothing to attach time to.
    const flush = (force?: 1) => {
      const m = Math.min(Math.round(ms), 864e5);
      if (pid && (m > sentMs || force)) {
        sentMs = m;
        const b = JSON.stringify(body({ t: 'en', p: pid, ms: m }));
        // sendBeacon survives unload; when its queue is full it says so and fetch takes over.
        if (!n.sendBeacon(url, b)) fetch(url, init(b)).catch(() => {});
      }
    };
    const pageView = (referrer: string) => {
      href = L.href;
      ms = sentMs = 0;
      pid = eventId();
      // Cut to the protocol's limits: one over-long referrer must not cost the whole page view a 400.
      post(
        { t: 'pv', e: pid, u: href.slice(0, 2048), r: referrer.slice(0, 2048), ti: d.title.slice(0, 512) },
        1,
      );
    };
    // Comparing whole hrefs means popstate+hashchange, or replaceState to the same URL, count once.
    // (No href yet = still prerendering: the first view will carry the URL it ends up on.)
    const navigate = safe(() => {
      if (href && L.href !== href) {
        tick();
        flush();
        pageView(href);
      }
    });
    const lifecycle = safe((e: Event) => {
      const gone = e.type === 'pagehide';
      tick(gone);
      if (gone || d.visibilityState === 'hidden') flush();
    });

    // Links to Spoor's hosted pages (…/p/…) lead to Spoor's own host, where this site's cookies are out of
    // reach. A plain click on one waits (at most a second) while Spoor signs a short-lived handoff for the
    // visitor its last reply named, and goes to the link with it as spoor_h, as an email click does. Nothing
    // is asked for a page that is never left that way, and nothing at all without identifiers.
    const hosted = (g.__spoor?.o || url.slice(0, -2)) + '/p/';
    const handOver = safe((e: MouseEvent) => {
      const a = (e.target as Element).closest('a');
      if (
        a &&
        vid &&
        !anon &&
        !a.href.indexOf(hosted) &&
        !e.defaultPrevented &&
        !(e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) &&
        (!a.target || a.target === '_self')
      ) {
        e.preventDefault();
        const u = new URL(a.href);
        const go = () => L.assign(u.href);
        Promise.race([
          fetch(url.slice(0, -1) + 'handoff', init(JSON.stringify(body({}))))
            .then((r) => r.json())
            .then((j: Reply) => j.h && u.searchParams.set(HP, j.h)),
          new Promise((r) => setTimeout(r, 1e3)),
        ]).then(go, go);
      }
    });

    try {
      const f = g.spoorConfigureTracking || g.d365mktConfigureTracking;
      anon = isAnonymous(f?.());
    } catch {
      // A consent hook that fails has not given consent.
      anon = true;
    }
    if (anon && !fp) clearMirrors();

    const api: TrackingApi = {
      anonymize: anon,
      reconfigureTracking: safe((o: Consent) => {
        const was = anon;
        api.anonymize = anon = isAnonymous(o);
        if (anon && !fp) clearMirrors();
        // An immediate hit carrying a:1 makes the server expire its HttpOnly cookies now, not on the next page.
        if (anon && !was) {
          tick();
          flush(1);
        }
      }),
    };
    g.Spoor = g.MsCrmMkt = api;

    for (const k of ['pushState', 'replaceState'] as const) {
      const orig = history[k];
      history[k] = function (this: History, ...a: Parameters<History['pushState']>) {
        // The page's own call runs outside our try/catch: its errors are its own to see.
        orig.apply(this, a);
        navigate();
      };
    }
    addEventListener('popstate', navigate);
    addEventListener('hashchange', navigate);
    addEventListener('focus', lifecycle);
    addEventListener('blur', lifecycle);
    addEventListener('pagehide', lifecycle);
    d.addEventListener('click', handOver);
    d.addEventListener('visibilitychange', lifecycle);

    // A prerendered page (speculation rules) is only a view once the visitor actually navigates to it.
    const start = safe(() => {
      tick();
      pageView(d.referrer);
    });
    if ((d as { prerendering?: boolean }).prerendering) d.addEventListener('prerenderingchange', start);
    else start();
    // Back/forward cache: the browser shows this document again without loading it, so no code above runs
    // again. The visitor sees the page anew, as after a load that was not cached: a new view.
    addEventListener('pageshow', (e) => (e as PageTransitionEvent).persisted && start());
  }
} catch {}
