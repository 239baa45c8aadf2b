// The registration form on an event's page, and the pages and emails of registering, the waitlist and its
// place offers: server-rendered, no JavaScript, every value escaped, in the page's (or the registration's)
// language (registration-strings.ts: English, French, German).
import { escapeHtml as h } from '../lib/html.ts';
import { type EventWhole, textIn } from './event.ts';
import { layout, type PageContext } from './pages.ts';
import { registrationStrings } from './registration-strings.ts';
import { PORTAL_PATH } from './sign-in.ts';
import { stringsFor } from './strings.ts';
import { ACCEPT_PATH, DECLINE_PATH, LEAVE_PATH } from './waitlist-links.ts';

export const REGISTER_SUFFIX = '/register';
export const PORTAL_CANCEL_PATH = `${PORTAL_PATH}/cancel`;

export interface FormState {
  /** The signed-in contact's address: no fields to retype. */
  signedInAs: string | null;
  /** Whether registration is open (else `closedText` stands in the form's place). */
  closedText: string | null;
  /** The event itself is full: the button joins the waitlist. */
  eventFull: boolean;
  /** The contact's live registration for this event, if any. */
  current: 'registered' | 'waitlisted' | null;
}

const field = (id: string, label: string, type: string, autocomplete: string, required: boolean) =>
  `<label for="${id}">${h(label)}</label><input id="${id}" name="${id}" type="${type}" maxlength="${type === 'email' ? 254 : 100}" autocomplete="${autocomplete}"${required ? ' required' : ''}>`;

/** The "Register" section of an event's page. */
export function registrationSection(context: PageContext, whole: EventWhole, state: FormState): string {
  const { event, sessions, passes } = whole;
  const lang = context.language;
  const fallback = event.languages[0] ?? lang;
  const t = registrationStrings(lang);
  const yours = `<a href="${PORTAL_PATH}">${h(stringsFor(lang).yourRegistrations)}</a>`;
  const heading = `<h2 id="register">${h(t.register)}</h2>`;
  if (state.current === 'registered')
    return `${heading}<p class="status" role="status">${h(t.registeredHere)} ${yours}</p>`;
  if (state.current === 'waitlisted')
    return `${heading}<p class="status" role="status">${h(t.waitlistedHere)} ${yours}</p>`;
  if (state.closedText) return `${heading}<p class="notice" role="status">${h(state.closedText)}</p>`;
  const fullMark = (c: { capacity: number | null; taken: number }) =>
    c.capacity !== null && c.taken >= c.capacity ? h(t.fullWaitlist) : '';
  const passChoice = passes.length
    ? `<fieldset><legend>${h(t.pass)}</legend>${passes
        .map(
          (p, i) =>
            `<label class="choice"><input type="radio" name="pass" value="${h(p.id)}"${i === 0 ? ' checked' : ''} required> ${h(textIn(p.texts, lang, fallback).name)}${fullMark(p)}</label>`,
        )
        .join('')}</fieldset>`
    : '';
  const sessionChoice = sessions.length
    ? `<fieldset><legend>${h(t.sessions)}</legend>${sessions
        .map(
          (s) =>
            `<label class="choice"><input type="checkbox" name="session" value="${h(s.id)}"> ${h(textIn(s.texts, lang, fallback).name)}${fullMark(s)}</label>`,
        )
        .join('')}</fieldset>`
    : '';
  const who = state.signedInAs
    ? `<p>${h(t.registeringAs(state.signedInAs))}</p>`
    : field('firstName', t.firstName, 'text', 'given-name', false) +
      field('lastName', t.lastName, 'text', 'family-name', false) +
      field('email', t.email, 'email', 'email', true) +
      // The forms' honeypot: people never see it; a bot that fills it stores nothing.
      '<div style="position:absolute;left:-9999px" aria-hidden="true"><input name="_hp" tabindex="-1" autocomplete="off"></div>';
  const full = state.eventFull ? `<p class="notice">${h(t.eventFull)}</p>` : '';
  const waitlist = state.eventFull ? '<input type="hidden" name="waitlist" value="1">' : '';
  const button = state.eventFull ? t.joinWaitlist : t.register;
  return `${heading}${full}<form method="post" action="/events/${h(event.slug)}${REGISTER_SUFFIX}"><input type="hidden" name="lang" value="${h(lang)}">${waitlist}${passChoice}${sessionChoice}${who}<br><button type="submit">${h(button)}</button></form>`;
}

/** A portal card's status line and buttons: cancel (registration or waitlist place), take a held place. */
export function portalActions(
  context: PageContext,
  r: { id: string; status: string; offer: { token: string; until: string } | null },
): string {
  const t = registrationStrings(context.language);
  if (r.status === 'cancelled') return `<p class="meta">${h(t.cancelledShort)}</p>`;
  const status =
    r.status === 'registered'
      ? `<p class="meta">${h(t.registeredShort)}</p>`
      : r.offer
        ? `<p class="status">${h(t.heldUntil(r.offer.until))}</p><form method="post" action="${ACCEPT_PATH}"><input type="hidden" name="token" value="${h(r.offer.token)}"><button type="submit">${h(t.takePlace)}</button></form>`
        : `<p class="meta">${h(t.waitlistedShort)}</p>`;
  const label = r.status === 'registered' ? t.cancelMine : t.leaveWaitlist;
  return `${status}<form method="post" action="${PORTAL_CANCEL_PATH}"><input type="hidden" name="registration" value="${h(r.id)}"><button type="submit" class="quiet">${h(label)}</button></form>`;
}

/** After a registration post: registered, waitlisted, or why not (with a waitlist button when full). */
export function registrationResultPage(
  context: PageContext,
  input: {
    eventName: string;
    slug: string;
    outcome: 'registered' | 'waitlisted' | { problem: string; fieldErrors?: Record<string, string> };
    /** When the problem is a full counter: the post again, joining the waitlist (hidden fields). */
    retryAsWaitlist?: Record<string, string | string[]> | null;
  },
): string {
  const t = registrationStrings(context.language);
  const back = `<p><a href="/events/${h(input.slug)}">${h(t.backToEvent)}</a> · <a href="${PORTAL_PATH}">${h(stringsFor(context.language).yourRegistrations)}</a></p>`;
  if (input.outcome === 'registered')
    return layout(
      context,
      t.registeredTitle,
      `<h1>${h(t.registeredTitle)}</h1><p class="status" role="status">${h(t.registeredFor(input.eventName))}</p>${back}`,
    );
  if (input.outcome === 'waitlisted')
    return layout(
      context,
      t.waitlistedTitle,
      `<h1>${h(t.waitlistedTitle)}</h1><p class="status" role="status">${h(t.waitlistedFor(input.eventName))}</p>${back}`,
    );
  const { problem, fieldErrors } = input.outcome;
  const errors = fieldErrors
    ? `<ul>${Object.entries(fieldErrors)
        .map(([k, v]) => `<li>${h(k)}: ${h(v)}</li>`)
        .join('')}</ul>`
    : '';
  const retry = input.retryAsWaitlist
    ? `<form method="post" action="/events/${h(input.slug)}${REGISTER_SUFFIX}">${Object.entries(
        input.retryAsWaitlist,
      )
        .flatMap(([k, v]) =>
          (Array.isArray(v) ? v : [v]).map((one) => `<input type="hidden" name="${h(k)}" value="${h(one)}">`),
        )
        .join(
          '',
        )}<input type="hidden" name="waitlist" value="1"><button type="submit">${h(t.joinWaitlist)}</button></form>`
    : '';
  return layout(
    context,
    t.notRegistered,
    `<h1>${h(t.notRegistered)}</h1><p class="notice" role="alert">${h(problem)}</p>${errors}${retry}${back}`,
  );
}

/** The page an offer link opens: two buttons (a GET accepts nothing: mail scanners open links). */
export function offerPage(
  context: PageContext,
  input: { eventName: string; until: string; token: string; leaveToken: string },
): string {
  const t = registrationStrings(context.language);
  const hidden = `<input type="hidden" name="token" value="${h(input.token)}">`;
  return layout(
    context,
    t.placeHeldTitle,
    `<h1>${h(t.placeHeldTitle)}</h1><p>${h(t.placeHeldText(input.eventName, input.until))}</p><form method="post" action="${ACCEPT_PATH}">${hidden}<button type="submit">${h(t.takePlace)}</button></form><form method="post" action="${DECLINE_PATH}">${hidden}<button type="submit" class="quiet">${h(t.declinePlace)}</button></form>`,
  );
}

export function leavePage(context: PageContext, input: { eventName: string; token: string }): string {
  const t = registrationStrings(context.language);
  return layout(
    context,
    t.leaveWaitlist,
    `<h1>${h(t.leaveWaitlist)}</h1><p>${h(t.leaveText(input.eventName))}</p><form method="post" action="${LEAVE_PATH}"><input type="hidden" name="token" value="${h(input.token)}"><button type="submit">${h(t.leaveWaitlist)}</button></form>`,
  );
}

/** What a link or button did, or why it did nothing. */
export function outcomePage(context: PageContext, title: string, text: string, ok: boolean): string {
  const t = stringsFor(context.language);
  return layout(
    context,
    title,
    `<h1>${h(title)}</h1><p class="${ok ? 'status' : 'notice'}" role="status">${h(text)}</p><p><a href="/events">${h(t.allEvents)}</a> · <a href="${PORTAL_PATH}">${h(t.yourRegistrations)}</a></p>`,
  );
}

/** The waitlist's emails: on the waitlist, or a place held (with its link); both with the leave link. */
export function waitlistMail(input: {
  to: string;
  language: string;
  eventName: string;
  offer: { link: string; until: string } | null;
  leaveLink: string;
}) {
  const t = registrationStrings(input.language);
  const lines = input.offer
    ? t.mailOffer(input.eventName, input.offer.until)
    : t.mailWaiting(input.eventName);
  const leave = t.mailLeave;
  const text = `${lines.join('\n\n')}\n\n${input.offer ? `${input.offer.link}\n\n` : ''}${leave}\n${input.leaveLink}\n`;
  const html =
    `<!doctype html><html lang="${h(input.language)}"><body style="font:16px/1.5 system-ui,sans-serif;color:#1d1d1f">` +
    lines.map((line) => `<p>${h(line)}</p>`).join('') +
    (input.offer ? `<p><a href="${h(input.offer.link)}">${h(input.offer.link)}</a></p>` : '') +
    `<p>${h(leave)} <a href="${h(input.leaveLink)}">${h(input.leaveLink)}</a></p></body></html>`;
  const subject = input.offer ? t.subjectOffer(input.eventName) : t.subjectWaiting(input.eventName);
  return { to: input.to, subject, text, html };
}
