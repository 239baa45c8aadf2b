// The page at "/": what this server is and where to go, for whoever opens the tracking host's address.
import { escapeHtml } from '../lib/html.ts';

export interface HomeLinks {
  /** Present when the demo website is served. */
  demo?: { page: string; signup: string };
}

interface Link {
  href: string;
  label: string;
  note: string;
}

export function renderHomePage(links: HomeLinks): string {
  const items: Link[] = [
    {
      href: '/app/',
      label: 'Dashboard',
      note: 'sign in to see and manage websites, contacts, forms and emails',
    },
    { href: '/docs', label: 'API reference', note: 'every endpoint, with an admin API key to try them' },
    { href: '/docs/json', label: 'OpenAPI document', note: 'the same, machine-readable' },
    { href: '/cookies.json', label: 'Cookie list', note: 'every cookie Spoor sets, for your cookie banner' },
    { href: '/healthz', label: 'Health', note: 'whether this node can read and write its database' },
  ];
  if (links.demo) {
    items.unshift(
      { href: links.demo.page, label: 'Demo website', note: 'a tracked page to click around on' },
      {
        href: links.demo.signup,
        label: 'Demo sign-up page',
        note: 'a hosted form that identifies the visitor',
      },
    );
  }
  const list = items
    .map(
      (item) =>
        `<li><a href="${escapeHtml(item.href)}">${escapeHtml(item.label)}</a><span>${escapeHtml(item.note)}</span></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Spoor</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:16px/1.55 system-ui,sans-serif;color:#1d2330;background:#f6f7f9;margin:0}
main{max-width:40rem;margin:3rem auto;padding:0 1.25rem}
h1{font-size:1.9rem;margin:0 0 .5rem}
p{margin:.5rem 0 1.5rem;color:#3a4254}
ul{list-style:none;padding:0;margin:0;background:#fff;border:1px solid #dde1e8;border-radius:8px}
li{padding:.85rem 1rem;border-top:1px solid #e8ebf0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline}
li:first-child{border-top:0}
a{color:#1a56c4;font-weight:600;min-width:11rem}
span{color:#4b5365;font-size:.95rem}
code{background:#eceff4;padding:.1rem .3rem;border-radius:4px}
.after{margin-top:1.5rem;font-size:.95rem}
</style></head><body><main>
<h1>Spoor</h1>
<p>This is a Spoor server: self-hosted engagement tracking for outbound marketing. Websites send it
page views, emails send it opens and clicks, and its admin API (with an API key, sent as
<code>Authorization: Bearer …</code>) manages websites, contacts, forms, lists and sends.</p>
<ul>
${list}
</ul>
<p class="after">The first admin API key was printed when this server first started; make more, with scopes,
with <code>npx spoor api-keys create</code>.</p>
</main></body></html>`;
}
