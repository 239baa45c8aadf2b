// The event website's pages: server-rendered HTML that works without JavaScript, every value escaped
// (src/lib/html.ts). Times are shown in the event's time zone, which is named beside them; the page is
// in the language chosen (languages.ts), and carries the tracking script of the event's website.
import { escapeHtml as h } from '../lib/html.ts';
import { eventCalendarPath } from './calendar/paths.ts';
import { calendarStrings } from './calendar/strings.ts';
import { type EventRecord, type EventWhole, textIn } from './event.ts';
import { languageName } from './languages.ts';
import { PORTAL_PATH, SIGN_IN_LINK_PATH, SIGN_IN_MINUTES, SIGN_IN_PATH, SIGN_OUT_PATH } from './sign-in.ts';
import { type Strings, stringsFor } from './strings.ts';
import { formatSpan, formatWhen, zonedIso, zoneLabel } from './zoned-time.ts';

const STYLE =
  'body{font:16px/1.55 system-ui,sans-serif;color:#1d2330;background:#f6f7f9;margin:0}' +
  'header,main{max-width:46rem;margin:0 auto;padding:0 1.25rem}' +
  'header{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between;padding-top:1.25rem}' +
  'header nav ul{display:flex;flex-wrap:wrap;gap:.25rem .9rem;list-style:none;margin:0;padding:0}' +
  'a{color:#1a56c4}a[aria-current]{font-weight:700;color:#1d2330;text-decoration:none}' +
  'h1{font-size:2rem;line-height:1.2;margin:1.5rem 0 .75rem;overflow-wrap:anywhere}h2{font-size:1.3rem;margin:2rem 0 .75rem}' +
  'h3{font-size:1.1rem;margin:0 0 .35rem;overflow-wrap:anywhere}' +
  '.card{background:#fff;border:1px solid #d5dae2;border-radius:8px;padding:1rem 1.1rem;margin:0 0 1rem}' +
  '.card>:last-child{margin-bottom:0}.meta{color:#3a4254;margin:.25rem 0}' +
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:1rem 0}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}' +
  '.zone{color:#3a4254;font-size:.95rem}' +
  '.notice{padding:.75rem 1rem;border-radius:6px;background:#fdecea;color:#7a1010;font-weight:600}' +
  '.status{padding:.75rem 1rem;border-radius:6px;background:#e8f5e9;color:#1b5e20;font-weight:600}' +
  'ul.plain{list-style:none;padding:0}label{display:block;font-weight:600;margin:.75rem 0 .25rem}' +
  'input[type=email],input[type=text]{font:inherit;width:100%;max-width:24rem;box-sizing:border-box;padding:.5rem .6rem;border:1px solid #6b7385;border-radius:6px}' +
  'button{font:inherit;margin-top:1rem;padding:.55rem 1.3rem;border-radius:6px;border:1px solid #1a56c4;background:#1a56c4;color:#fff;cursor:pointer}' +
  'button.quiet{background:#fff;color:#1a56c4}p{margin:.5rem 0 1rem}' +
  'fieldset{border:1px solid #d5dae2;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}legend{font-weight:600;padding:0 .25rem}' +
  'label.choice{font-weight:400;display:flex;gap:.5rem;align-items:baseline;margin:.35rem 0}' +
  '.pass{margin:.75rem 0 0}.pass img{display:block;background:#fff}.pass code{overflow-wrap:anywhere;font-size:.85rem}';

export interface PageContext {
  language: string;
  /** The languages the visitor may switch between (none shown when one). */
  languages: readonly string[];
  /** The tracking script of the event's website, when it has one. */
  scriptSrc: string | null;
  /** The page's own path, for the language links. */
  path: string;
}

function languageNav(context: PageContext, t: Strings): string {
  if (context.languages.length < 2) return '';
  const links = context.languages
    .map((code) => {
      const current = code === context.language ? ' aria-current="true"' : '';
      return `<li><a href="${h(context.path)}?lang=${h(encodeURIComponent(code))}" hreflang="${h(code)}" lang="${h(code)}"${current}>${h(languageName(code))}</a></li>`;
    })
    .join('');
  return `<nav aria-label="${h(t.language)}"><ul>${links}</ul></nav>`;
}

export function layout(context: PageContext, title: string, body: string): string {
  const t = stringsFor(context.language);
  const script = context.scriptSrc ? `<script async src="${h(context.scriptSrc)}"></script>` : '';
  const site = `<nav aria-label="${h(t.events)}"><ul><li><a href="/events">${h(t.allEvents)}</a></li><li><a href="${PORTAL_PATH}">${h(t.yourRegistrations)}</a></li></ul></nav>`;
  return `<!doctype html><html lang="${h(context.language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${h(title)}</title><link rel="icon" href="data:,"><style>${STYLE}</style>${script}</head><body><header>${site}${languageNav(context, t)}</header><main>${body}</main></body></html>`;
}

const paragraphs = (text: string | null) =>
  text
    ? text
        .split(/\n\s*\n/)
        .map((p) => `<p>${h(p.trim()).replaceAll('\n', '<br>')}</p>`)
        .join('')
    : '';

const timeTag = (ms: number, zone: string, text: string) =>
  `<time datetime="${h(zonedIso(ms, zone))}">${h(text)}</time>`;

export function eventListPage(context: PageContext, events: readonly EventRecord[]): string {
  const t = stringsFor(context.language);
  const items = events
    .map((event) => {
      const text = textIn(event.texts, context.language, event.languages[0] ?? '');
      const when = formatSpan(event.startsAt, event.endsAt, event.timeZone, context.language);
      return `<li class="card"><h2 style="margin:0 0 .35rem;font-size:1.15rem"><a href="/events/${h(event.slug)}">${h(text.name)}</a></h2><p class="meta">${timeTag(event.startsAt, event.timeZone, when)} <span class="zone">(${h(zoneLabel(event.startsAt, event.timeZone))})</span></p>${event.venue ? `<p class="meta">${h(event.venue)}</p>` : ''}</li>`;
    })
    .join('');
  const body = items ? `<ul class="plain">${items}</ul>` : `<p>${h(t.noEvents)}</p>`;
  return layout(context, t.events, `<h1>${h(t.events)}</h1>${body}`);
}

/** `registration`: the registration form or what stands in its place (waitlist-pages.ts). */
export function eventPage(context: PageContext, whole: EventWhole, registration = ''): string {
  const { event, sessions, passes } = whole;
  const t = stringsFor(context.language);
  const lang = context.language;
  const fallback = event.languages[0] ?? lang;
  const zone = event.timeZone;
  const text = textIn(event.texts, lang, fallback);
  const rows: string[] = [
    `<dt>${h(t.when)}</dt><dd>${timeTag(event.startsAt, zone, formatSpan(event.startsAt, event.endsAt, zone, lang))}<br><span class="zone">${h(t.timeZone)} ${h(zoneLabel(event.startsAt, zone))}</span></dd>`,
  ];
  if (event.venue) rows.push(`<dt>${h(t.where)}</dt><dd>${h(event.venue)}</dd>`);
  if (event.onlineUrl)
    rows.push(
      `<dt>${h(t.online)}</dt><dd><a href="${h(event.onlineUrl)}" rel="noopener">${h(t.joinOnline)}</a></dd>`,
    );
  if (event.capacity !== null)
    rows.push(`<dt>${h(t.places)}</dt><dd>${h(t.placesLimit(event.capacity))}</dd>`);
  if (event.registrationOpensAt !== null || event.registrationClosesAt !== null) {
    const parts = [
      event.registrationOpensAt !== null
        ? `${h(t.opens)} ${timeTag(event.registrationOpensAt, zone, formatWhen(event.registrationOpensAt, zone, lang))}`
        : '',
      event.registrationClosesAt !== null
        ? `${h(t.closes)} ${timeTag(event.registrationClosesAt, zone, formatWhen(event.registrationClosesAt, zone, lang))}`
        : '',
    ].filter(Boolean);
    rows.push(`<dt>${h(t.registration)}</dt><dd>${parts.join('<br>')}</dd>`);
  }
  rows.push(
    `<dt>${h(calendarStrings(lang).calendar)}</dt><dd><a href="${h(eventCalendarPath(event.slug))}" download>${h(calendarStrings(lang).addToCalendar)}</a></dd>`,
  );
  const sessionName = new Map(sessions.map((s) => [s.id, textIn(s.texts, lang, fallback).name]));
  const sessionCards = sessions
    .map((s) => {
      const st = textIn(s.texts, lang, fallback);
      const meta = [
        s.room ? `${h(t.room)}: ${h(s.room)}` : '',
        s.speakers.length ? `${h(t.speakers)}: ${h(s.speakers.join(', '))}` : '',
        s.capacity !== null ? h(t.placesLimit(s.capacity)) : '',
      ].filter(Boolean);
      return `<li class="card"><h3>${h(st.name)}</h3><p class="meta">${timeTag(s.startsAt, zone, formatSpan(s.startsAt, s.endsAt, zone, lang))}</p>${meta.map((m) => `<p class="meta">${m}</p>`).join('')}${paragraphs(st.description)}</li>`;
    })
    .join('');
  const passCards = passes
    .map((p) => {
      const pt = textIn(p.texts, lang, fallback);
      const opens = p.sessionIds.length
        ? `<p class="meta">${h(t.opensSessions)}: ${h(
            p.sessionIds
              .map((id) => sessionName.get(id) ?? '')
              .filter(Boolean)
              .join(', '),
          )}</p>`
        : `<p class="meta">${h(t.allSessions)}</p>`;
      const places = p.capacity !== null ? `<p class="meta">${h(t.placesLimit(p.capacity))}</p>` : '';
      return `<li class="card"><h3>${h(pt.name)}</h3>${paragraphs(pt.description)}${opens}${places}</li>`;
    })
    .join('');
  const cancelled =
    event.status === 'cancelled' ? `<p class="notice" role="status">${h(t.cancelled)}</p>` : '';
  const body =
    `<h1>${h(text.name)}</h1>${cancelled}<dl>${rows.join('')}</dl>${paragraphs(text.description)}` +
    (sessionCards ? `<h2>${h(t.sessions)}</h2><ul class="plain">${sessionCards}</ul>` : '') +
    (passCards ? `<h2>${h(t.passes)}</h2><ul class="plain">${passCards}</ul>` : '') +
    registration;
  return layout(context, text.name, body);
}

export function notFoundPage(context: PageContext): string {
  const t = stringsFor(context.language);
  const [title, text] = t.notFound;
  return layout(
    context,
    title,
    `<h1>${h(title)}</h1><p>${h(text)}</p><p><a href="/events">${h(t.allEvents)}</a></p>`,
  );
}

export function signInPage(context: PageContext): string {
  const t = stringsFor(context.language);
  return layout(
    context,
    t.signInTitle,
    `<h1>${h(t.signInTitle)}</h1><p>${h(t.signInIntro)}</p><form method="post" action="${SIGN_IN_PATH}"><input type="hidden" name="lang" value="${h(context.language)}"><label for="email">${h(t.email)}</label><input id="email" name="email" type="email" required maxlength="254" autocomplete="email"><br><button type="submit">${h(t.sendLink)}</button></form>`,
  );
}

export function checkEmailPage(context: PageContext): string {
  const t = stringsFor(context.language);
  return layout(
    context,
    t.checkTitle,
    `<h1>${h(t.checkTitle)}</h1><p class="status" role="status">${h(t.checkText(SIGN_IN_MINUTES))}</p>`,
  );
}

export function signInLinkPage(context: PageContext, token: string, email: string): string {
  const t = stringsFor(context.language);
  return layout(
    context,
    t.linkTitle,
    `<h1>${h(t.linkTitle)}</h1><p>${h(t.linkText(email))}</p><form method="post" action="${SIGN_IN_LINK_PATH}"><input type="hidden" name="token" value="${h(token)}"><button type="submit">${h(t.linkButton)}</button></form>`,
  );
}

export function linkProblemPage(context: PageContext, problem: 'invalid' | 'expired' | 'used'): string {
  const t = stringsFor(context.language);
  const [title, text] =
    problem === 'expired' ? t.problemExpired : problem === 'used' ? t.problemUsed : t.problemInvalid;
  return layout(
    context,
    title,
    `<h1>${h(title)}</h1><p>${h(text)}</p><p><a href="${SIGN_IN_PATH}">${h(t.askAgain)}</a></p>`,
  );
}

export interface PortalRegistration {
  eventName: string;
  slug: string;
  when: string;
  status: string;
  /** The registration's status and buttons (cancel; take a held place): waitlist-pages.ts. */
  actions?: string;
  /** The registration's .ics (registered ones). */
  calendarUrl?: string;
  /** The pass to show at the door (a registration holding a place): its code and its QR code's data: URL. */
  pass?: { code: string; qr: string } | null;
}

/** The pass of a portal registration: the QR code, with the code beneath it to type when a camera fails. */
function passFigure(t: Strings, pass: PortalRegistration['pass']): string {
  if (!pass) return '';
  return `<figure class="pass"><img src="${h(pass.qr)}" alt="${h(t.passQrAlt)}" width="200" height="200"><figcaption>${h(t.passCode)}: <code>${h(pass.code)}</code></figcaption></figure>`;
}

export function portalPage(
  context: PageContext,
  input: { email: string; registrations: readonly PortalRegistration[] },
): string {
  const t = stringsFor(context.language);
  const list = input.registrations.length
    ? `<ul class="plain">${input.registrations
        .map(
          (r) =>
            `<li class="card"><h2 style="margin:0;font-size:1.1rem"><a href="/events/${h(r.slug)}">${h(r.eventName)}</a></h2><p class="meta">${h(r.when)}</p>${passFigure(t, r.pass)}${r.calendarUrl ? `<p class="meta"><a href="${h(r.calendarUrl)}" download>${h(calendarStrings(context.language).addToCalendar)}</a></p>` : ''}${r.actions ?? ''}</li>`,
        )
        .join('')}</ul>`
    : `<p>${h(t.noRegistrations)}</p>`;
  return layout(
    context,
    t.portalTitle,
    `<h1>${h(t.portalTitle)}</h1><p>${h(t.signedInAs(input.email))}</p>${list}<form method="post" action="${SIGN_OUT_PATH}"><button type="submit" class="quiet">${h(t.signOut)}</button></form>`,
  );
}

export function signedOutPage(context: PageContext): string {
  const t = stringsFor(context.language);
  return layout(
    context,
    t.signedOut,
    `<h1>${h(t.signedOut)}</h1><p class="status" role="status">${h(t.signedOutText)}</p><p><a href="/events">${h(t.allEvents)}</a></p>`,
  );
}

/** The sign-in email, text and HTML, in the language of the page it was asked for on. */
export function signInMail(input: { to: string; link: string; language: string }) {
  const t = stringsFor(input.language);
  const lines = t.mailLines(SIGN_IN_MINUTES);
  const text = `${lines.join('\n\n')}\n\n${input.link}\n\n${t.mailAfter}\n`;
  const html =
    `<!doctype html><html lang="${h(input.language)}"><body style="font:16px/1.5 system-ui,sans-serif;color:#1d1d1f">` +
    lines.map((line) => `<p>${h(line)}</p>`).join('') +
    `<p><a href="${h(input.link)}">${h(input.link)}</a></p><p>${h(t.mailAfter)}</p></body></html>`;
  return { to: input.to, subject: t.mailSubject, text, html };
}
