// The event website speaks French and German through and through: every public page a contact meets (the
// list, the event page and its registration form, full or not, the pages after registering or being
// refused, sign-in, the portal with its pass and buttons, the waitlist's offer and leave pages) and every
// email it sends (sign-in, confirmation with its invitation, waitlist, held place) is rendered in fr and in
// de, and no English sentence is left in it. An event in French and German only, so the event's own texts
// are in the language too. SQLite and PostgreSQL.
import type { ParsedMail } from 'mailparser';
import { expect, it } from 'vitest';
import { calendarStrings } from '../src/events/calendar/strings.ts';
import { registrationStrings } from '../src/events/registration-strings.ts';
import { escapeHtml } from '../src/lib/html.ts';
import { describeEachEngine } from './helpers/engines.ts';
import { EVENT_ORIGIN as ORIGIN, useEventServer } from './support/event-server.ts';
import { waitFor } from './support/wait-for.ts';

/** Words that are English only: a page in French or German that holds one has an English sentence left. */
const ENGLISH =
  /\b(the|you|your|this|is|are|and|for|of|with|here|please|thank|registered|registration|waitlist|sign|held|cancel|leave|take|back|join|full|email|when|where|times|calendar|open|attached|none|no longer|already)\b/i;

/** What a reader sees of a page or an email: text without tags, scripts, styles, addresses or codes. */
function visibleText(html: string): string {
  return html
    .replace(/<(script|style|title)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/gi, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\S+@\S+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const exactly = (subject: string) => new RegExp(`^${subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

const WORDS = {
  fr: {
    event: 'Journée des jardins',
    session: 'Visite guidée',
    pass: 'Billet jardin',
    register: "S'inscrire",
  },
  de: { event: 'Gartentag', session: 'Führung', pass: 'Gartenticket', register: 'Anmelden' },
} as const;

describeEachEngine('event website in French and German', (engine) => {
  const server = useEventServer(engine, { eventWaitlistOfferHours: 2 });
  const { api, form } = server;

  /** The latest message to `address` whose subject matches, after running the due jobs. */
  async function mailTo(address: string, subject: RegExp): Promise<ParsedMail> {
    return waitFor(`mail to ${address} (${subject})`, async () => {
      await server.spoor.runDueJobs();
      return server.sink
        .receivedBy(address)
        .map((m) => m.parsed)
        .filter((m) => subject.test(m.subject ?? ''))
        .at(-1);
    });
  }
  const linkIn = (mail: ParsedMail, path: string) =>
    new RegExp(`${ORIGIN}${path}\\?token=[^\\s]+`).exec(mail.text ?? '')?.[0]?.slice(ORIGIN.length);

  for (const language of ['fr', 'de'] as const) {
    it(`renders every public page and email in ${language} with no English left`, async () => {
      const w = WORDS[language];
      const tag = `${language}-${engine}`;
      const cookie = `spoor_lang=${language}`;
      const headers = { cookie, 'accept-language': language };
      const event = await server.newEvent({
        slug: `garden-${tag}`,
        name: { fr: WORDS.fr.event, de: WORDS.de.event },
        description: { fr: 'Une journée au jardin.', de: 'Ein Tag im Garten.' },
        timeZone: 'Europe/Paris',
        start: '2027-06-12T10:00',
        end: '2027-06-12T18:00',
        venue: 'Jardin des Plantes',
        languages: [language, language === 'fr' ? 'de' : 'fr'],
        capacity: 1,
      });
      const session = (
        (
          await api('POST', `/api/events/${event.id}/sessions`, {
            name: { fr: WORDS.fr.session, de: WORDS.de.session },
            start: '2027-06-12T11:00',
            end: '2027-06-12T12:00',
          })
        ).json() as { sessions: { id: string }[] }
      ).sessions[0]!.id;
      const other = (
        (
          await api('POST', `/api/events/${event.id}/sessions`, {
            name: { fr: 'Atelier', de: 'Werkstatt' },
            start: '2027-06-12T14:00',
            end: '2027-06-12T15:00',
          })
        ).json() as { sessions: { id: string }[] }
      ).sessions.find((s) => s.id !== session)!.id;
      const pass = (
        (
          await api('POST', `/api/events/${event.id}/passes`, {
            name: { fr: WORDS.fr.pass, de: WORDS.de.pass },
            sessionIds: [session],
          })
        ).json() as { passes: { id: string }[] }
      ).passes[0]!.id;
      const draft = await server.newEvent(
        { ...{ slug: `draft-${tag}`, name: { [language]: w.event } }, ...DRAFT, languages: [language] },
        { publish: false },
      );
      const page = async (url: string, extra: Record<string, string> = {}) =>
        server.spoor.app.inject({ url, headers: { ...headers, ...extra } });
      const post = (url: string, fields: Record<string, string | string[]>, extra = {}) =>
        form(url, { lang: language, ...fields }, { ...headers, ...extra });
      const register = (email: string, fields: Record<string, string | string[]> = {}) =>
        post(`/events/${event.slug}/register`, { pass, session, email, firstName: 'Ana', ...fields });

      const pages: [string, { statusCode: number; body: string }, number][] = [];
      const emails: [string, ParsedMail][] = [];
      pages.push(['the list of events', await page('/events'), 200]);
      pages.push(['the event page with its form', await page(`/events/${event.slug}`), 200]);
      pages.push(['an unpublished event', await page(`/events/${draft.slug}`), 404]);
      pages.push([
        'a session the pass does not open',
        await register(`nope@${tag}.test`, { session: other }),
        422,
      ]);
      pages.push(['a pass of another event', await register(`nope@${tag}.test`, { pass: 'x' }), 422]);
      pages.push(['registered', await register(`ana@${tag}.test`), 200]);
      emails.push(['the confirmation', await mailTo(`ana@${tag}.test`, new RegExp(w.event))]);
      pages.push(['the event page when full', await page(`/events/${event.slug}`), 200]);
      pages.push(['full, without the waitlist', await register(`bo@${tag}.test`), 409]);
      pages.push(['on the waitlist', await register(`bo@${tag}.test`, { waitlist: '1' }), 200]);
      const waiting = await mailTo(`bo@${tag}.test`, new RegExp(w.event));
      emails.push(['on the waitlist', waiting]);
      pages.push(['registered already', await register(`ana@${tag}.test`, { waitlist: '1' }), 409]);

      // Sign-in: the form, the answer, the email, its page, a forged link, the portal with the pass.
      pages.push(['the sign-in page', await page('/events/portal/sign-in'), 200]);
      const before = server.sink.receivedBy(`ana@${tag}.test`).length;
      pages.push([
        'check your email',
        await post('/events/portal/sign-in', { email: `ana@${tag}.test` }),
        200,
      ]);
      const signInMail = await waitFor('the sign-in email', async () => {
        await server.spoor.runDueJobs();
        return server.sink.receivedBy(`ana@${tag}.test`)[before]?.parsed;
      });
      emails.push(['the sign-in link', signInMail]);
      const signInPath = linkIn(signInMail, '/events/portal/sign-in/link')!;
      pages.push(['the sign-in link page', await page(signInPath), 200]);
      pages.push(['a forged sign-in link', await page(`${signInPath}x`), 404]);
      const signedIn = await post('/events/portal/sign-in/link', {
        token: new URLSearchParams(signInPath.split('?')[1]).get('token')!,
      });
      expect(signedIn.statusCode).toBe(303);
      const session_ = /spoor_portal=[^;]+/.exec(String(signedIn.headers['set-cookie']))![0];
      const portal = await page('/events/portal', { cookie: `${cookie}; ${session_}` });
      pages.push(['the portal with a pass', portal, 200]);

      // Ana cancels: the place is held for Bo (an offer email, its page); Bo's leave page.
      const registrationId = /name="registration" value="([^"]+)"/.exec(portal.body)![1]!;
      const cancelled = await post(
        '/events/portal/cancel',
        { registration: registrationId },
        { cookie: `${cookie}; ${session_}` },
      );
      expect(cancelled.statusCode).toBe(303);
      pages.push([
        'nothing to cancel',
        await post(
          '/events/portal/cancel',
          { registration: registrationId },
          { cookie: `${cookie}; ${session_}` },
        ),
        404,
      ]);
      emails.push([
        'the registration cancelled',
        await mailTo(
          `ana@${tag}.test`,
          exactly(calendarStrings(language).subjectRegistrationCancelled(w.event)),
        ),
      ]);
      const offer = await mailTo(
        `bo@${tag}.test`,
        exactly(registrationStrings(language).subjectOffer(w.event)),
      );
      emails.push(['a place held', offer]);
      const offerPath = linkIn(offer, '/events/waitlist/offer')!;
      const leavePath = linkIn(offer, '/events/waitlist/leave')!;
      pages.push(['the offer page', await page(offerPath), 200]);
      pages.push(['a forged offer link', await page(`${offerPath}x`), 404]);
      pages.push(['the leave page', await page(leavePath), 200]);
      const leaveToken = new URLSearchParams(leavePath.split('?')[1]).get('token')!;
      pages.push(['left the waitlist', await post('/events/waitlist/leave', { token: leaveToken }), 200]);
      pages.push(['left already', await post('/events/waitlist/leave', { token: leaveToken }), 410]);

      for (const [what, response, status] of pages) {
        expect(response.statusCode, `${what}: ${response.body.slice(0, 300)}`).toBe(status);
        expect(response.body, what).toContain(`<html lang="${language}"`);
        const text = visibleText(response.body);
        expect(ENGLISH.exec(text)?.[0], `${what} (${language}): ${text}`).toBeUndefined();
      }
      for (const [what, mail] of emails) {
        for (const text of [mail.subject ?? '', mail.text ?? '', visibleText(String(mail.html))])
          expect(
            ENGLISH.exec(visibleText(text))?.[0],
            `${what} email (${language}): ${text}`,
          ).toBeUndefined();
      }
      // The words are the language's, not merely not English.
      expect(pages[1]![1].body).toContain(`>${escapeHtml(w.register)}</button>`);
    });
  }
});

const DRAFT = { timeZone: 'Europe/Paris', start: '2027-06-12T10:00', end: '2027-06-12T18:00' };
