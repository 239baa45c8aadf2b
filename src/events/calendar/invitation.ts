// What a registration's invitation says, pure: which one is due (REQUEST or CANCEL, and its SEQUENCE)
// from what is stored, the iCalendar entry, and the confirmation email around it (text and HTML, in the
// registration's language, times in the event's zone with the zone named).
import { escapeHtml as h } from '../../lib/html.ts';
import { type EventRecord, type PassRecord, type SessionRecord, textIn } from '../event.ts';
import { PORTAL_PATH } from '../sign-in.ts';
import { formatSpan, zoneLabel } from '../zoned-time.ts';
import { type CalendarEntry, type Person, writeCalendar } from './ical.ts';
import { calendarStrings } from './strings.ts';

export type InvitationMethod = 'request' | 'cancel';

export interface InvitationState {
  registrationStatus: string;
  eventStatus: string;
  eventSequence: number;
  /** The last invitation sent for this registration, if any. */
  lastMethod: InvitationMethod | null;
  lastSequence: number | null;
}

/**
 * The invitation due now, or null when none is (already sent; nothing to withdraw; waitlisted). The
 * sequence never goes down for one UID: an event change raises the event's, a cancellation or a
 * registration after one is one above the last sent.
 */
export function dueInvitation(state: InvitationState): { method: InvitationMethod; sequence: number } | null {
  const last = state.lastSequence ?? -1;
  const cancelled = state.registrationStatus === 'cancelled' || state.eventStatus === 'cancelled';
  if (cancelled) {
    // Only someone who has an invitation gets it withdrawn, once.
    if (state.lastMethod !== 'request') return null;
    return { method: 'cancel', sequence: Math.max(state.eventSequence, last + 1) };
  }
  if (state.registrationStatus !== 'registered') return null;
  if (state.lastMethod === 'request')
    return state.eventSequence > last ? { method: 'request', sequence: state.eventSequence } : null;
  return { method: 'request', sequence: Math.max(state.eventSequence, last + 1) };
}

/** The UID of a registration's invitation (stable: the same for its updates and its cancellation). */
export const registrationUid = (registrationId: string, host: string) =>
  `registration-${registrationId}@${host}`;
/** The UID of an event's public download (no one's in particular). */
export const eventUid = (eventId: string, host: string) => `event-${eventId}@${host}`;

/** `Name <address>` or `address` (SPOOR_EMAIL_FROM) as an organizer. */
export function organizerOf(from: string): Person {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  return m ? { name: m[1] || null, email: (m[2] ?? '').trim() } : { email: from.trim() };
}

export interface InvitationInput {
  event: EventRecord;
  pass: PassRecord | null;
  sessions: readonly SessionRecord[];
  language: string;
  publicUrl: string;
  organizer: Person;
  now: number;
}

/** The event's language for this reader: theirs when the event has it, else the event's default. */
export function languageFor(event: EventRecord, wanted: string | null | undefined): string {
  return wanted && event.languages.includes(wanted) ? wanted : (event.languages[0] ?? 'en');
}

function details(input: InvitationInput) {
  const { event, pass, sessions, language } = input;
  const fallback = event.languages[0] ?? language;
  const text = textIn(event.texts, language, fallback);
  const zone = event.timeZone;
  return {
    name: text.name,
    description: text.description,
    when: formatSpan(event.startsAt, event.endsAt, zone, language),
    zone: zoneLabel(event.startsAt, zone),
    pass: pass ? textIn(pass.texts, language, fallback).name : null,
    sessions: sessions.map((s) => ({
      name: textIn(s.texts, language, fallback).name,
      when: formatSpan(s.startsAt, s.endsAt, zone, language),
      room: s.room,
    })),
    page: `${input.publicUrl}/events/${event.slug}`,
  };
}

/** The calendar entry of an event: for a registration (uid, attendee) or the public download. */
export function calendarEntry(
  input: InvitationInput & {
    uid: string;
    sequence: number;
    cancelled: boolean;
    attendee?: CalendarEntry['attendee'];
  },
): CalendarEntry {
  const d = details(input);
  const t = calendarStrings(input.language);
  const lines = [d.description ?? ''];
  if (d.pass) lines.push(`${t.pass}: ${d.pass}`);
  if (d.sessions.length)
    lines.push(
      `${t.sessions}:\n${d.sessions.map((s) => `- ${s.name} (${s.when}${s.room ? `, ${s.room}` : ''})`).join('\n')}`,
    );
  if (input.event.onlineUrl) lines.push(`${t.online}: ${input.event.onlineUrl}`);
  lines.push(`${t.eventPage}: ${d.page}`);
  return {
    uid: input.uid,
    sequence: input.sequence,
    stamp: input.now,
    start: input.event.startsAt,
    end: input.event.endsAt,
    timeZone: input.event.timeZone,
    language: input.language,
    summary: d.name,
    description: lines.filter(Boolean).join('\n\n'),
    location: input.event.venue ?? input.event.onlineUrl,
    url: d.page,
    organizer: input.organizer,
    attendee: input.attendee ?? null,
    cancelled: input.cancelled,
  };
}

export type MailOccasion = 'registered' | 'changed' | 'cancelled' | 'registration-cancelled';

/** The confirmation (or update, or cancellation) email: subject, text, HTML and the invitation. */
export function invitationMail(
  input: InvitationInput & {
    occasion: MailOccasion;
    uid: string;
    sequence: number;
    attendee: NonNullable<CalendarEntry['attendee']>;
  },
) {
  const t = calendarStrings(input.language);
  const d = details(input);
  const cancel = input.occasion === 'cancelled' || input.occasion === 'registration-cancelled';
  const ics = writeCalendar(cancel ? 'CANCEL' : 'REQUEST', calendarEntry({ ...input, cancelled: cancel }));
  const subject = {
    registered: t.subjectRegistered,
    changed: t.subjectChanged,
    cancelled: t.subjectCancelled,
    'registration-cancelled': t.subjectRegistrationCancelled,
  }[input.occasion](d.name);
  const lead = {
    registered: t.registered,
    changed: t.changed,
    cancelled: t.cancelled,
    'registration-cancelled': t.registrationCancelled,
  }[input.occasion];
  const portal = `${input.publicUrl}${PORTAL_PATH}`;
  const where = input.event.venue;
  const online = input.event.onlineUrl;

  const text = [
    d.name,
    lead,
    `${t.when}: ${d.when}\n${t.timeZone} ${d.zone}`,
    where ? `${t.where}: ${where}` : '',
    online ? `${t.online}: ${online}` : '',
    d.pass ? `${t.pass}: ${d.pass}` : '',
    d.sessions.length
      ? `${t.sessions}:\n${d.sessions.map((s) => `- ${s.name}: ${s.when}${s.room ? ` (${t.room} ${s.room})` : ''}`).join('\n')}`
      : '',
    `${t.eventPage}: ${d.page}`,
    `${t.portal}: ${portal}`,
    cancel ? '' : t.invitation,
  ]
    .filter(Boolean)
    .join('\n\n');

  const row = (label: string, value: string) =>
    `<tr><th scope="row" style="text-align:left;vertical-align:top;padding:.35rem 1rem .35rem 0;white-space:nowrap">${h(label)}</th><td style="padding:.35rem 0;overflow-wrap:anywhere">${value}</td></tr>`;
  const rows = [
    row(t.when, `${h(d.when)}<br><span style="color:#3a4254">${h(t.timeZone)} ${h(d.zone)}</span>`),
    where ? row(t.where, h(where)) : '',
    online ? row(t.online, `<a href="${h(online)}" style="color:#1a56c4">${h(online)}</a>`) : '',
    d.pass ? row(t.pass, h(d.pass)) : '',
  ].join('');
  const sessions = d.sessions.length
    ? `<h2 style="font-size:1.15rem;margin:1.5rem 0 .5rem">${h(t.sessions)}</h2><ul style="padding-left:1.2rem;margin:0">${d.sessions
        .map(
          (s) =>
            `<li style="margin:.25rem 0"><strong>${h(s.name)}</strong><br>${h(s.when)}${s.room ? ` · ${h(t.room)} ${h(s.room)}` : ''}</li>`,
        )
        .join('')}</ul>`
    : '';
  const html =
    `<!doctype html><html lang="${h(input.language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${h(subject)}</title></head>` +
    `<body style="margin:0;background:#f6f7f9;font:16px/1.55 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2330">` +
    `<main style="max-width:36rem;margin:0 auto;padding:1.5rem 1.25rem"><div style="background:#fff;border:1px solid #d5dae2;border-radius:8px;padding:1.25rem">` +
    `<h1 style="font-size:1.5rem;line-height:1.25;margin:0 0 .75rem;overflow-wrap:anywhere">${h(d.name)}</h1>` +
    `<p style="margin:0 0 1rem;font-weight:600">${h(lead)}</p>` +
    `<table style="border-collapse:collapse;width:100%"><tbody>${rows}</tbody></table>${sessions}` +
    `<p style="margin:1.5rem 0 .5rem"><a href="${h(d.page)}" style="color:#1a56c4">${h(t.eventPage)}</a></p>` +
    `<p style="margin:.5rem 0"><a href="${h(portal)}" style="color:#1a56c4">${h(t.portal)}</a></p>` +
    (cancel ? '' : `<p style="margin:1rem 0 0;color:#3a4254;font-size:.95rem">${h(t.invitation)}</p>`) +
    `</div></main></body></html>`;
  return {
    subject,
    text: `${text}\n`,
    html,
    ics,
    method: cancel ? ('CANCEL' as const) : ('REQUEST' as const),
  };
}
