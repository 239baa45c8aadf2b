// The demo website served on first start: a shop with two pages, a single-page-app section and a campaign link.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { media, noContent } from '../api-contract.ts';
import { escapeHtml } from '../lib/html.ts';

/** The address of the demo's hosted sign-up page (/p/<slug>), whose form first start defines. */
export const DEMO_PAGE_SLUG = 'demo-signup';

/** The demo's campaign link, as a newsletter would carry it (the README's tour names this campaign). */
export const DEMO_CAMPAIGN_PATH = '/demo/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=tour';

const STYLE = `body{font:16px/1.55 system-ui,sans-serif;color:#1d2330;background:#f6f7f9;margin:0}
main,nav,footer{max-width:44rem;margin:0 auto;padding:0 1.25rem}
nav{padding-top:1.5rem;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
a{color:#1a56c4}
h1{font-size:1.9rem;margin:1.5rem 0 .5rem}
h2{font-size:1.15rem;margin:0 0 .5rem}
section{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:1rem;margin:1.5rem 0}
.campaign{overflow-wrap:anywhere}
footer{margin-top:2.5rem;margin-bottom:3rem;padding-top:1.5rem;border-top:1px solid #dde1e8;color:#3a4254}
section>:last-child{margin-bottom:0}
/* Wrapped on screen, copied as printed: soft wraps add no line breaks to a selection. */
pre{background:#1d2330;color:#f6f7f9;padding:.75rem 1rem;border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem;line-height:1.5}
button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid #1a56c4;background:#1a56c4;color:#fff;cursor:pointer}`;

interface Page {
  title: string;
  body: string;
}

/** A demo page; `base` is the address the visitor used, so the commands it shows work as pasted. */
function render(websiteId: string, base: string, page: Page): string {
  const report = `${base}/api/websites/${encodeURIComponent(websiteId)}/report?from=$TODAY&to=$TODAY`;
  const command = `KEY=spk_…   # the admin API key printed at first start
TODAY=$(date -u +%F)
curl -s "${report}" -H "Authorization: Bearer $KEY"`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>${STYLE}</style>
<script async src="/s/${escapeHtml(encodeURIComponent(websiteId))}.js"></script>
</head><body>
<nav aria-label="Demo shop"><a href="/demo/">Home</a><a href="/demo/pricing">Pricing</a><a href="/demo/app">App (single-page)</a><a href="/p/demo-signup">Sign up</a></nav>
<main>
${page.body}
</main>
<footer>
<h2>See what Spoor recorded</h2>
<p>This page carries Spoor's tracking snippet. See this demo website's report <a href="/app/websites/${escapeHtml(encodeURIComponent(websiteId))}">in the dashboard</a>, or today's in a shell:</p>
<pre id="report-command">${escapeHtml(command)}</pre>
</footer>
</body></html>`;
}

const HOME = (base: string): Page => ({
  title: 'Spoor demo shop',
  body: `<h1>Spoor demo shop</h1>
<p>Browse around: every page view, and the time you spend on each page, is recorded.</p>
<section>
<h2>Arrive from a campaign</h2>
<p>A link in a newsletter or an ad carries UTM tags. Spoor credits a visit to the campaign of the
page it starts on, so open this link in a private window (right-click, then "Open link in
incognito window" or "in new private window"), where you arrive as a new visitor:</p>
<p class="campaign"><a id="campaign-link" href="${escapeHtml(DEMO_CAMPAIGN_PATH)}">${escapeHtml(`${base}${DEMO_CAMPAIGN_PATH}`)}</a></p>
<p>The report then lists the campaign <strong>tour</strong> (source newsletter, medium email).</p>
</section>`,
});

const PRICING: Page = {
  title: 'Pricing — Spoor demo shop',
  body: '<h1>Pricing</h1><p>Everything is free in the demo shop.</p>',
};

const APP: Page = {
  title: 'App — Spoor demo shop',
  body: `<h1>Single-page app</h1>
<p>Each view below changes the address with <code>history.pushState</code>, without loading a page;
Spoor counts each as a page view.</p>
<p id="view" aria-live="polite">Overview</p>
<button id="next" type="button">Go to the next view</button>
<script>
let n = 0;
document.getElementById('next').onclick = () => {
  n += 1;
  history.pushState({}, '', '/demo/app/view-' + n);
  document.getElementById('view').textContent = 'View ' + n;
};
</script>`,
};

/** The shown commands get the host the visitor used, if it is a plain host name or address (never shell syntax). */
const SAFE_HOST = /^[A-Za-z0-9.[\]:-]{1,260}$/;

export function demoRoutes(app: FastifyInstance, deps: { websiteId: string }) {
  const serve = (page: (base: string) => Page) => async (request: FastifyRequest, reply: FastifyReply) => {
    const base = `${request.protocol}://${SAFE_HOST.test(request.host) ? request.host : 'localhost'}`;
    return reply.type('text/html; charset=utf-8').send(render(deps.websiteId, base, page(base)));
  };
  const doc = (operationId: string, summary: string) => ({
    schema: {
      operationId,
      tags: ['pages'],
      summary,
      description: 'Served only while the demo is on (SPOOR_DEMO): a page carrying the tracking snippet.',
      response: { 200: media('text/html', 'The page.') },
    },
  });
  app.get(
    '/demo',
    {
      schema: {
        operationId: 'redirectToDemo',
        tags: ['pages'],
        summary: 'To the demo website.',
        description: 'Served only while the demo is on (SPOOR_DEMO).',
        response: { 302: noContent('To /demo/.') },
      },
    },
    async (_request, reply) => reply.redirect('/demo/'),
  );
  app.get('/demo/', doc('getDemoHome', 'The demo website: its home page.'), serve(HOME));
  app.get(
    '/demo/pricing',
    doc('getDemoPricing', 'The demo website: a second page (the campaign link lands here).'),
    serve(() => PRICING),
  );
  app.get(
    '/demo/app',
    doc('getDemoApp', 'The demo website: a single-page-app section (history.pushState).'),
    serve(() => APP),
  );
  // The app's views have addresses of their own: reloading one shows the app again.
  app.get(
    '/demo/app/:view',
    {
      schema: {
        ...doc('getDemoAppView', 'The demo website: a view of the single-page app, reloaded.').schema,
        params: Type.Object({ view: Type.String() }),
      },
    },
    serve(() => APP),
  );
}
