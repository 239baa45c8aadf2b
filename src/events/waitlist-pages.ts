// The registration form on an event's page, and the pages and emails of registering, the waitlist and its
// place offers: server-rendered, no JavaScript, every value escaped. Spoor's words here are English for
// now (strings.ts holds the pages' words in English, French and German; these join it when translated).
import { escapeHtml as h } from '../lib/html.ts';
import { type EventWhole, textIn } from './event.ts';
import { layout, type PageContext } from './pages.ts';
import { PORTAL_PATH } from './sign-in.ts';
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
  const heading = '<h2 id="register">Register</h2>';
  if (state.current === 'registered')
    return `${heading}<p class="status" role="status">You are registered for this event. <a href="${PORTAL_PATH}">Your registrations</a></p>`;
  if (state.current === 'waitlisted')
    return `${heading}<p class="status" role="status">You are on the waitlist for this event. <a href="${PORTAL_PATH}">Your registrations</a></p>`;
  if (state.closedText) return `${heading}<p class="notice" role="status">${h(state.closedText)}</p>`;
  const passChoice = passes.length
    ? `<fieldset><legend>Pass</legend>${passes
        .map((p, i) => {
          const full = p.capacity !== null && p.taken >= p.capacity ? ' (full: waitlist)' : '';
          return `<label class="choice"><input type="radio" name="pass" value="${h(p.id)}"${i === 0 ? ' checked' : ''} required> ${h(textIn(p.texts, lang, fallback).name)}${full}</label>`;
        })
        .join('')}</fieldset>`
    : '';
  const sessionChoice = sessions.length
    ? `<fieldset><legend>Sessions</legend>${sessions
        .map((s) => {
          const full = s.capacity !== null && s.taken >= s.capacity ? ' (full: waitlist)' : '';
          return `<label class="choice"><input type="checkbox" name="session" value="${h(s.id)}"> ${h(textIn(s.texts, lang, fallback).name)}${full}</label>`;
        })
        .join('')}</fieldset>`
    : '';
  const who = state.signedInAs
    ? `<p>Registering as ${h(state.signedInAs)}.</p>`
    : field('firstName', 'First name', 'text', 'given-name', false) +
      field('lastName', 'Last name', 'text', 'family-name', false) +
      field('email', 'Email address', 'email', 'email', true) +
      // The forms' honeypot: people never see it; a bot that fills it stores nothing.
      '<div style="position:absolute;left:-9999px" aria-hidden="true"><input name="_hp" tabindex="-1" autocomplete="off"></div>';
  const full = state.eventFull
    ? '<p class="notice">This event is full. Join the waitlist: when a place frees, we hold it for you and email you.</p>'
    : '';
  const waitlist = state.eventFull ? '<input type="hidden" name="waitlist" value="1">' : '';
  const button = state.eventFull ? 'Join the waitlist' : 'Register';
  return `${heading}${full}<form method="post" action="/events/${h(event.slug)}${REGISTER_SUFFIX}"><input type="hidden" name="lang" value="${h(lang)}">${waitlist}${passChoice}${sessionChoice}${who}<br><button type="submit">${button}</button></form>`;
}

/** A portal card's status line and buttons: cancel (registration or waitlist place), take a held place. */
export function portalActions(
  _context: PageContext,
  r: { id: string; status: string; offer: { token: string; until: string } | null },
): string {
  if (r.status === 'cancelled') return '<p class="meta">Cancelled.</p>';
  const status =
    r.status === 'registered'
      ? '<p class="meta">Registered.</p>'
      : r.offer
        ? `<p class="status">A place is held for you until ${h(r.offer.until)}.</p><form method="post" action="${ACCEPT_PATH}"><input type="hidden" name="token" value="${h(r.offer.token)}"><button type="submit">Take the place</button></form>`
        : '<p class="meta">On the waitlist.</p>';
  const label = r.status === 'registered' ? 'Cancel my registration' : 'Leave the waitlist';
  return `${status}<form method="post" action="${PORTAL_CANCEL_PATH}"><input type="hidden" name="registration" value="${h(r.id)}"><button type="submit" class="quiet">${label}</button></form>`;
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
  const back = `<p><a href="/events/${h(input.slug)}">Back to the event</a> · <a href="${PORTAL_PATH}">Your registrations</a></p>`;
  if (input.outcome === 'registered')
    return layout(
      context,
      'You are registered',
      `<h1>You are registered</h1><p class="status" role="status">You are registered for ${h(input.eventName)}.</p>${back}`,
    );
  if (input.outcome === 'waitlisted')
    return layout(
      context,
      'You are on the waitlist',
      `<h1>You are on the waitlist</h1><p class="status" role="status">You are on the waitlist for ${h(input.eventName)}. When a place frees, we hold it for you and email you a link to take it.</p>${back}`,
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
        )}<input type="hidden" name="waitlist" value="1"><button type="submit">Join the waitlist</button></form>`
    : '';
  return layout(
    context,
    'Not registered',
    `<h1>Not registered</h1><p class="notice" role="alert">${h(problem)}</p>${errors}${retry}${back}`,
  );
}

/** The page an offer link opens: two buttons (a GET accepts nothing: mail scanners open links). */
export function offerPage(
  context: PageContext,
  input: { eventName: string; until: string; token: string; leaveToken: string },
): string {
  const hidden = `<input type="hidden" name="token" value="${h(input.token)}">`;
  return layout(
    context,
    'A place is held for you',
    `<h1>A place is held for you</h1><p>A place at ${h(input.eventName)} is held for you until ${h(input.until)}.</p><form method="post" action="${ACCEPT_PATH}">${hidden}<button type="submit">Take the place</button></form><form method="post" action="${DECLINE_PATH}">${hidden}<button type="submit" class="quiet">No, thank you</button></form>`,
  );
}

export function leavePage(context: PageContext, input: { eventName: string; token: string }): string {
  return layout(
    context,
    'Leave the waitlist',
    `<h1>Leave the waitlist</h1><p>Leave the waitlist for ${h(input.eventName)}? A place held for you goes to the next person.</p><form method="post" action="${LEAVE_PATH}"><input type="hidden" name="token" value="${h(input.token)}"><button type="submit">Leave the waitlist</button></form>`,
  );
}

/** What a link or button did, or why it did nothing. */
export function outcomePage(context: PageContext, title: string, text: string, ok: boolean): string {
  return layout(
    context,
    title,
    `<h1>${h(title)}</h1><p class="${ok ? 'status' : 'notice'}" role="status">${h(text)}</p><p><a href="/events">All events</a> · <a href="${PORTAL_PATH}">Your registrations</a></p>`,
  );
}

/** The waitlist's emails: on the waitlist, or a place held (with its link); both with the leave link. */
export function waitlistMail(input: {
  to: string;
  eventName: string;
  offer: { link: string; until: string } | null;
  leaveLink: string;
}) {
  const lines = input.offer
    ? [
        `A place at ${input.eventName} has freed, and we are holding it for you until ${input.offer.until}.`,
        'Open this link to take it or to let it go:',
      ]
    : [
        `You are on the waitlist for ${input.eventName}.`,
        'When a place frees, we hold it for you and email you.',
      ];
  const leave = 'To leave the waitlist:';
  const text = `${lines.join('\n\n')}\n\n${input.offer ? `${input.offer.link}\n\n` : ''}${leave}\n${input.leaveLink}\n`;
  const html =
    `<!doctype html><html lang="en"><body style="font:16px/1.5 system-ui,sans-serif;color:#1d1d1f">` +
    lines.map((line) => `<p>${h(line)}</p>`).join('') +
    (input.offer ? `<p><a href="${h(input.offer.link)}">${h(input.offer.link)}</a></p>` : '') +
    `<p>${h(leave)} <a href="${h(input.leaveLink)}">${h(input.leaveLink)}</a></p></body></html>`;
  const subject = input.offer
    ? `A place is held for you: ${input.eventName}`
    : `On the waitlist: ${input.eventName}`;
  return { to: input.to, subject, text, html };
}
