// The demo website served on first start: two pages and a single-page-app section carrying the snippet.
import type { FastifyInstance } from 'fastify';

function page(websiteId: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}nav a{margin-right:1rem}</style>
<script async src="/s/${websiteId}.js"></script>
</head><body>
<nav><a href="/demo/">Home</a><a href="/demo/pricing?utm_source=demo&utm_medium=nav&utm_campaign=tour">Pricing</a><a href="/demo/app">App (SPA)</a><a href="/p/demo-signup">Sign up</a></nav>
${body}
<p><small>This page carries Spoor's tracking snippet. See the report with
<code>curl -H "Authorization: Bearer $KEY" "/api/websites/${websiteId}/report?from=…&to=…"</code>.</small></p>
</body></html>`;
}

export function demoRoutes(app: FastifyInstance, deps: { websiteId: string }) {
  const html = (title: string, body: string) => page(deps.websiteId, title, body);
  const send =
    (content: string) =>
    async (_request: unknown, reply: { type: (t: string) => { send: (b: string) => unknown } }) =>
      reply.type('text/html; charset=utf-8').send(content);

  app.get('/demo', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/demo/'));
  app.get(
    '/demo/',
    { schema: { hide: true } },
    send(html('Spoor demo', '<h1>Spoor demo shop</h1><p>Browse around; every page view is recorded.</p>')),
  );
  app.get(
    '/demo/pricing',
    { schema: { hide: true } },
    send(html('Pricing — Spoor demo', '<h1>Pricing</h1><p>Everything is free in the demo.</p>')),
  );
  app.get(
    '/demo/app',
    { schema: { hide: true } },
    send(
      html(
        'App — Spoor demo',
        `<h1>Single-page app</h1><p id="view">Overview</p>
<button id="next">Go to the next view (pushState)</button>
<script>
let n = 0;
document.getElementById('next').onclick = () => {
  n += 1;
  history.pushState({}, '', '/demo/app/view-' + n);
  document.getElementById('view').textContent = 'View ' + n;
};
</script>`,
      ),
    ),
  );
}
