import { describe, expect, it } from 'vitest';
import { checkEvent, checkPass, checkSession, type EventChange, nextStatus, slugOf } from './event-rules.ts';

const EVENT: EventChange = {
  name: { en: 'Spring summit', fr: 'Sommet' },
  timeZone: 'Europe/Paris',
  start: '2027-09-14T09:00',
  end: '2027-09-14T18:00',
  languages: ['en', 'fr'],
};
const valid = checkEvent(EVENT, undefined).value!;

describe('event rules', () => {
  it('makes an event: instants from wall times in its zone, a slug from its name', () => {
    expect(valid).toMatchObject({
      slug: 'spring-summit',
      timeZone: 'Europe/Paris',
      startsAt: Date.parse('2027-09-14T07:00:00Z'),
      endsAt: Date.parse('2027-09-14T16:00:00Z'),
      languages: ['en', 'fr'],
      texts: { en: { name: 'Spring summit', description: null }, fr: { name: 'Sommet', description: null } },
    });
  });

  it.each<[string, EventChange, string, RegExp]>([
    ['no name', { ...EVENT, name: undefined }, 'name', /needs name/],
    ['end before start', { ...EVENT, end: '2027-09-14T08:00' }, 'end', /end after it starts/],
    ['end equal to start', { ...EVENT, end: '2027-09-14T09:00' }, 'end', /end after it starts/],
    ['too long', { ...EVENT, end: '2028-12-14T08:00' }, 'end', /at most 366 days/],
    ['unknown zone', { ...EVENT, timeZone: 'Europe/Atlantis' }, 'timeZone', /not a time zone/],
    ['garbled time', { ...EVENT, start: '14/09/2027 9am' }, 'start', /date and time like/],
    ['empty end', { ...EVENT, end: '' }, 'end', /An event needs end: a date and time like/],
    ['empty start', { ...EVENT, start: '' }, 'start', /An event needs start/],
    [
      'skipped hour',
      { ...EVENT, start: '2027-03-28T02:15', end: '2027-03-28T05:00' },
      'start',
      /clocks skip/,
    ],
    ['no language', { ...EVENT, languages: [] }, 'languages', /at least one language/],
    ['bad language', { ...EVENT, languages: ['en', 'french!'] }, 'languages', /not a language code/],
    ['twice', { ...EVENT, languages: ['en', 'EN'] }, 'languages', /listed twice/],
    ['name missing in a language', { ...EVENT, name: { en: 'Only' } }, 'name', /A name in fr/],
    [
      'name in another language',
      { ...EVENT, name: { en: 'A', fr: 'B', de: 'C' } },
      'name',
      /"de" is not in one/,
    ],
    ['blank name', { ...EVENT, name: { en: '  ', fr: 'B' } }, 'name', /A name in en/],
    ['bad slug', { ...EVENT, slug: 'Spring Summit' }, 'slug', /lower-case letters/],
    ['reserved slug', { ...EVENT, slug: 'portal' }, 'slug', /event website itself/],
    ['online link not http', { ...EVENT, onlineUrl: 'ftp://x.example' }, 'onlineUrl', /http or https/],
    [
      'window backwards',
      { ...EVENT, registrationOpens: '2027-09-01T00:00', registrationCloses: '2027-08-01T00:00' },
      'registrationCloses',
      /close after it opens/,
    ],
    [
      'closing after the end',
      { ...EVENT, registrationCloses: '2027-09-15T00:00' },
      'registrationCloses',
      /by the time the event ends/,
    ],
  ])('refuses %s', (_case, change, field, message) => {
    const checked = checkEvent(change, undefined);
    expect(checked.value).toBeUndefined();
    expect(checked.problems?.[field]).toMatch(message);
  });

  it('checks a change against what is stored and the sessions it holds', () => {
    const sessions = [
      { id: 's1', startsAt: Date.parse('2027-09-14T15:00:00Z'), endsAt: Date.parse('2027-09-14T16:00:00Z') },
    ];
    expect(checkEvent({ end: '2027-09-14T17:00' }, valid, sessions).problems?.['start']).toMatch(
      /s1 would fall outside/,
    );
    expect(checkEvent({ capacity: 10 }, valid, sessions).value).toMatchObject({
      capacity: 10,
      slug: 'spring-summit',
    });
    // A new zone reads the new times in it.
    expect(
      checkEvent({ timeZone: 'Asia/Tokyo', start: '2027-09-14T09:00', end: '2027-09-14T18:00' }, valid).value
        ?.startsAt,
    ).toBe(Date.parse('2027-09-14T00:00:00Z'));
    expect(checkEvent({ languages: ['en', 'fr', 'de'] }, valid).problems?.['name']).toMatch(/A name in de/);
  });

  it.each([
    ['Spring Summit 2027!', 'spring-summit-2027'],
    ['Été à Montréal', 'ete-a-montreal'],
    ['東京', 'event'],
    ['Portal', 'event'],
  ])('slug of %j is %j', (name, slug) => {
    expect(slugOf(name)).toBe(slug);
  });
});

describe('session and pass rules', () => {
  it.each<[string, object, string, RegExp]>([
    [
      'outside the event',
      { name: { en: 'Late' }, start: '2027-09-14T17:00', end: '2027-09-14T19:00' },
      'start',
      /within the event/,
    ],
    [
      'before the event',
      { name: { en: 'Early' }, start: '2027-09-14T08:00', end: '2027-09-14T09:30' },
      'start',
      /within the event/,
    ],
    [
      'end before start',
      { name: { en: 'Odd' }, start: '2027-09-14T11:00', end: '2027-09-14T10:00' },
      'end',
      /end after it starts/,
    ],
    [
      'no name in the default language',
      { name: { fr: 'Seulement' }, start: '2027-09-14T10:00', end: '2027-09-14T11:00' },
      'name',
      /A name in en/,
    ],
    ['no times', { name: { en: 'Talk' } }, 'start', /needs start/],
    [
      'an empty end',
      { name: { en: 'Talk' }, start: '2027-09-14T10:00', end: '' },
      'end',
      /A session needs end/,
    ],
  ])('refuses a session %s', (_case, change, field, message) => {
    expect(checkSession(change, undefined, valid).problems?.[field]).toMatch(message);
  });

  it('takes a session in the event, its times in the event zone', () => {
    const session = checkSession(
      {
        name: { en: 'Keynote' },
        start: '2027-09-14T09:30',
        end: '2027-09-14T10:30',
        speakers: [' Ada ', ''],
      },
      undefined,
      valid,
    ).value;
    expect(session).toMatchObject({
      startsAt: Date.parse('2027-09-14T07:30:00Z'),
      speakers: ['Ada'],
      room: null,
    });
  });

  it('refuses a pass opening a session of another event, and takes its own', () => {
    expect(
      checkPass({ name: { en: 'Pass' }, sessionIds: ['other'] }, undefined, valid, ['s1']).problems?.[
        'sessionIds'
      ],
    ).toMatch(/not a session of this event/);
    expect(
      checkPass({ name: { en: 'Pass' }, sessionIds: ['s1', 's1'] }, undefined, valid, ['s1']).value
        ?.sessionIds,
    ).toEqual(['s1']);
    expect(checkPass({}, undefined, valid, []).problems?.['name']).toMatch(/needs a name/);
  });
});

describe('event status', () => {
  it.each([
    ['draft', 'publish', 'published'],
    ['published', 'unpublish', 'draft'],
    ['draft', 'cancel', 'cancelled'],
    ['published', 'cancel', 'cancelled'],
    ['published', 'publish', 'This event is published already.'],
    ['draft', 'unpublish', 'This event is not published.'],
    ['cancelled', 'publish', 'This event is cancelled; a cancelled event cannot be changed back.'],
    ['cancelled', 'cancel', 'This event is cancelled; a cancelled event cannot be changed back.'],
  ] as const)('%s, %s → %s', (status, action, next) => {
    expect(nextStatus(status, action)).toBe(next);
  });
});
