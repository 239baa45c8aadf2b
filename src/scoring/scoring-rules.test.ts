// Scoring's pure rules as tables: conditions, fit, frequency and caps, decay, grades, model checks, and
// the explanation of a score.
import { describe, expect, it } from 'vitest';
import type { Interaction } from '../platform/interactions/interaction.ts';
import {
  awardPoints,
  changeMovesFit,
  expiryOf,
  fitFieldOfChange,
  fitFieldsOf,
  globToPattern,
  meetsCondition,
  meetsFit,
  nextChangeAt,
  type RuleState,
  scoreAt,
} from './award-rules.ts';
import { explainScore } from './explain-rules.ts';
import { type Condition, gradeOf, type ModelSpec, modelProblems, type Rule } from './model-rules.ts';

const DAY = 86_400_000;
const item = (over: Partial<Interaction>): Interaction => ({
  id: 'i1',
  source: 'visit',
  kind: 'visit',
  contactId: 'c1',
  occurredAt: '2026-12-01T10:00:00.000Z',
  subjects: {},
  machine: null,
  attributes: {},
  ...over,
});
const visit = (attributes: Record<string, unknown>, machine: string | null = null) =>
  item({ kind: 'visit', attributes, machine });
const click = (messageId: string, url: string, extra: Partial<Interaction> = {}) =>
  item({
    source: 'email',
    kind: 'email_click',
    subjects: { message: { id: messageId, name: 'M' }, link: { id: '0', name: url } },
    attributes: { honeypot: false },
    ...extra,
  });

describe('meetsCondition', () => {
  const cases: [string, Condition, Interaction, boolean][] = [
    [
      'page glob matches',
      { type: 'page_visit', urlPattern: '/pricing*' },
      visit({ entryPath: '/pricing/teams' }),
      true,
    ],
    [
      'page glob is whole',
      { type: 'page_visit', urlPattern: '/pricing' },
      visit({ entryPath: '/pricing/teams' }),
      false,
    ],
    [
      'regex characters are literal',
      { type: 'page_visit', urlPattern: '/a.b' },
      visit({ entryPath: '/axb' }),
      false,
    ],
    [
      'a later page of the visit matches',
      { type: 'page_visit', urlPattern: '/pricing*' },
      visit({ entryPath: '/', paths: ['/', '/blog', '/pricing'] }),
      true,
    ],
    [
      'no page of the visit matches',
      { type: 'page_visit', urlPattern: '/pricing*' },
      visit({ entryPath: '/', paths: ['/', '/blog'] }),
      false,
    ],
    [
      'a bot visit never scores',
      { type: 'page_visit', urlPattern: '*' },
      visit({ entryPath: '/' }, 'bot'),
      false,
    ],
    ['engaged time reached', { type: 'engaged_time', seconds: 30 }, visit({ engagedMs: 30_000 }), true],
    ['engaged time short', { type: 'engaged_time', seconds: 30 }, visit({ engagedMs: 29_999 }), false],
    ['any campaign', { type: 'campaign_visit' }, visit({ utm: { source: 'news' } }), true],
    ['no campaign', { type: 'campaign_visit' }, visit({ utm: { source: null } }), false],
    [
      'campaign named, any case',
      { type: 'campaign_visit', utmCampaign: 'Winter' },
      visit({ utm: { campaign: 'winter' } }),
      true,
    ],
    [
      'campaign other',
      { type: 'campaign_visit', utmCampaign: 'winter' },
      visit({ utm: { campaign: 'summer' } }),
      false,
    ],
    [
      'any form',
      { type: 'form_submitted' },
      item({ kind: 'form_submission', subjects: { form: { id: 'f1', name: null } } }),
      true,
    ],
    [
      'that form',
      { type: 'form_submitted', formId: 'f2' },
      item({ kind: 'form_submission', subjects: { form: { id: 'f1', name: null } } }),
      false,
    ],
    ['human open', { type: 'email_opened' }, item({ kind: 'email_open' }), true],
    [
      'machine open never scores',
      { type: 'email_opened' },
      item({ kind: 'email_open', machine: 'apple_mpp' }),
      false,
    ],
    [
      'click of the message',
      { type: 'email_clicked', messageId: 'm1' },
      click('m1', 'https://x.example/a'),
      true,
    ],
    [
      'click of another message',
      { type: 'email_clicked', messageId: 'm1' },
      click('m2', 'https://x.example/a'),
      false,
    ],
    [
      'the given link',
      { type: 'email_clicked', messageId: 'm1', linkPattern: '*/webinar*' },
      click('m1', 'https://x.example/webinar?id=1'),
      true,
    ],
    [
      'another link',
      { type: 'email_clicked', messageId: 'm1', linkPattern: '*/webinar*' },
      click('m1', 'https://x.example/shop'),
      false,
    ],
    [
      'scanner click never scores',
      { type: 'email_clicked' },
      click('m1', 'https://x', { machine: 'scanner' }),
      false,
    ],
    [
      'honeypot never scores',
      { type: 'email_clicked' },
      click('m1', 'https://x', { attributes: { honeypot: true } }),
      false,
    ],
    [
      'unsubscribed',
      { type: 'unsubscribed' },
      item({ kind: 'list_unsubscribed', subjects: { list: { id: 'l', name: null } } }),
      true,
    ],
    ['subscribed is not unsubscribed', { type: 'unsubscribed' }, item({ kind: 'list_subscribed' }), false],
    [
      'offer claimed',
      { type: 'offer_claimed', offerId: 'o1' },
      item({ kind: 'offer_claim', subjects: { offer: { id: 'o1', name: null } } }),
      true,
    ],
    [
      'registered',
      { type: 'event_registered' },
      item({ kind: 'event_registered', subjects: { event: { id: 'e', name: null } } }),
      true,
    ],
    ['waitlisted is not registered', { type: 'event_registered' }, item({ kind: 'event_waitlisted' }), false],
    [
      'attended',
      { type: 'event_attended', eventId: 'e' },
      item({ kind: 'event_check_in', subjects: { event: { id: 'e', name: null } } }),
      true,
    ],
    [
      'fit never matches an interaction',
      { type: 'contact_field', field: 'country', operator: 'is_set' },
      visit({}),
      false,
    ],
  ];
  it.each(cases)('%s', (_name, condition, interaction, expected) => {
    expect(meetsCondition(condition, interaction)).toBe(expected);
  });

  it('a pattern that would backtrack catastrophically in a regex engine is literal text, matched in linear time', () => {
    expect(globToPattern('(a+)+$')).toBe('\\(a\\+\\)\\+\\$');
    const path = `/${'a'.repeat(20_000)}!`;
    expect(
      meetsCondition({ type: 'page_visit', urlPattern: '*a*a*a*a*a*a*a*a*b' }, visit({ entryPath: path })),
    ).toBe(false);
  });
});

describe('meetsFit', () => {
  const cases: [string, Condition, Record<string, string | number | null>, boolean][] = [
    [
      'equals, any case',
      { type: 'contact_field', field: 'country', operator: 'equals', value: 'FR' },
      { country: 'fr' },
      true,
    ],
    [
      'equals other',
      { type: 'contact_field', field: 'country', operator: 'equals', value: 'FR' },
      { country: 'DE' },
      false,
    ],
    [
      'contains',
      { type: 'contact_field', field: 'job_title', operator: 'contains', value: 'director' },
      { job_title: 'Marketing Director' },
      true,
    ],
    ['is set', { type: 'contact_field', field: 'company', operator: 'is_set' }, { company: 'Acme' }, true],
    [
      'empty is not set',
      { type: 'contact_field', field: 'company', operator: 'is_set' },
      { company: '' },
      false,
    ],
    [
      'at least, text number',
      { type: 'contact_field', field: 'size', operator: 'at_least', value: 200 },
      { size: '1,000' },
      true,
    ],
    [
      'at most',
      { type: 'contact_field', field: 'size', operator: 'at_most', value: 50 },
      { size: 51 },
      false,
    ],
    [
      'not a number',
      { type: 'contact_field', field: 'size', operator: 'at_least', value: 1 },
      { size: 'many' },
      false,
    ],
  ];
  it.each(cases)('%s', (_name, condition, fields, expected) => {
    expect(meetsFit(condition, fields)).toBe(expected);
  });
});

describe('awardPoints', () => {
  const rule = (over: Partial<Rule>): Rule => ({
    id: 'r',
    name: 'R',
    condition: { type: 'email_opened' },
    points: 10,
    frequency: 'each',
    ...over,
  });
  const state = (over: Partial<RuleState> = {}): RuleState => ({
    awards: 0,
    awardsThatDay: 0,
    activePoints: 0,
    modelActivePoints: 0,
    ...over,
  });
  const cases: [string, Rule, ModelSpec['maxScore'], RuleState, number][] = [
    ['each time', rule({}), null, state({ awards: 5, activePoints: 50 }), 10],
    ['first time only, first', rule({ frequency: 'first' }), null, state(), 10],
    ['first time only, again', rule({ frequency: 'first' }), null, state({ awards: 1 }), 0],
    ['per-day cap reached', rule({ maxPerDay: 2 }), null, state({ awardsThatDay: 2 }), 0],
    ['per-day cap not reached', rule({ maxPerDay: 2 }), null, state({ awardsThatDay: 1 }), 10],
    ['rule cap trims', rule({ maxPoints: 25 }), null, state({ activePoints: 20 }), 5],
    ['rule cap full', rule({ maxPoints: 25 }), null, state({ activePoints: 25 }), 0],
    [
      'negative under the rule cap',
      rule({ points: -10, maxPoints: 15 }),
      null,
      state({ activePoints: -10 }),
      -5,
    ],
    ['model cap trims', rule({}), 100, state({ modelActivePoints: 95 }), 5],
    ['model cap full', rule({}), 100, state({ modelActivePoints: 100 }), 0],
    [
      'model cap does not hold back negatives',
      rule({ points: -3 }),
      100,
      state({ modelActivePoints: 100 }),
      -3,
    ],
  ];
  it.each(cases)('%s', (_name, r, maxScore, s, expected) => {
    expect(awardPoints(r, { maxScore }, s)).toBe(expected);
  });
});

describe('decay', () => {
  const at = Date.UTC(2026, 0, 1);
  it.each([
    ['no decay', { type: 'none' } as const, 10, null],
    ['expiry window', { type: 'expiry', days: 30 } as const, 10, at + 30 * DAY],
    // 10 × 2^(−t/7) < 0.5 once t > 7 × log2(20) days.
    ['half-life', { type: 'half_life', days: 7 } as const, 10, at + Math.ceil(Math.log2(20) * 7 * DAY)],
  ])('%s: expiry', (_name, decay, points, expected) => {
    expect(expiryOf(decay, at, points)).toBe(expected);
  });

  it('a window: awards count in full until they expire, then not at all', () => {
    const decay = { type: 'expiry', days: 30 } as const;
    const entries = [
      { ruleId: 'a', points: 10, awardedAt: at, expiresAt: at + 30 * DAY },
      { ruleId: 'b', points: 5, awardedAt: at + 10 * DAY, expiresAt: at + 40 * DAY },
      { ruleId: null, points: -2, awardedAt: at, expiresAt: null },
    ];
    expect(scoreAt(decay, entries, at + 29 * DAY)).toBe(13);
    expect(scoreAt(decay, entries, at + 30 * DAY)).toBe(3);
    expect(scoreAt(decay, entries, at + 40 * DAY)).toBe(-2);
    expect(nextChangeAt(decay, entries, at)).toBe(at + 30 * DAY);
    expect(nextChangeAt(decay, entries, at + 40 * DAY)).toBe(null);
  });

  it('a half-life: awards halve, manual adjustments stay', () => {
    const decay = { type: 'half_life', days: 10 } as const;
    const entries = [
      { ruleId: 'a', points: 40, awardedAt: at, expiresAt: expiryOf(decay, at, 40) },
      { ruleId: null, points: 5, awardedAt: at, expiresAt: null },
    ];
    expect(scoreAt(decay, entries, at)).toBe(45);
    expect(scoreAt(decay, entries, at + 10 * DAY)).toBe(25);
    expect(scoreAt(decay, entries, at + 20 * DAY)).toBe(15);
    expect(scoreAt(decay, entries, at + 1000 * DAY)).toBe(5);
  });
});

describe('grades and model checks', () => {
  const grades = [
    { name: 'A', min: 80 },
    { name: 'B', min: 50 },
    { name: 'C', min: 20 },
    { name: 'D', min: 0 },
  ];
  it.each([
    [100, 'A'],
    [80, 'A'],
    [79, 'B'],
    [20, 'C'],
    [0, 'D'],
    [-5, 'D'],
  ])('score %i is grade %s', (score, grade) => {
    expect(gradeOf(grades, score)).toBe(grade);
  });

  const valid: ModelSpec = {
    rules: [
      {
        id: 'pricing',
        name: 'Pricing page',
        condition: { type: 'page_visit', urlPattern: '/pricing*' },
        points: 10,
        frequency: 'each',
      },
    ],
    decay: { type: 'expiry', days: 90 },
    grades,
    salesReadyThreshold: 60,
  };
  const cases: [string, Partial<ModelSpec>, Record<string, string>][] = [
    ['valid', {}, {}],
    [
      'grades out of order',
      {
        grades: [
          { name: 'A', min: 10 },
          { name: 'B', min: 20 },
        ],
      },
      { 'grades.1.min': 'grades go from the highest down: 20 is not below "A" (10)' },
    ],
    [
      'grade named twice',
      {
        grades: [
          { name: 'A', min: 10 },
          { name: 'A', min: 0 },
        ],
      },
      { 'grades.1.name': '"A" is used twice' },
    ],
    [
      'zero points',
      { rules: [{ ...valid.rules[0]!, points: 0 }] },
      { 'rules.0.points': 'a whole number from -10000 to 10000, not 0' },
    ],
    [
      'rule id twice',
      { rules: [valid.rules[0]!, { ...valid.rules[0]! }] },
      { 'rules.1.id': '"pricing" is used by another rule' },
    ],
    [
      'decay days',
      { decay: { type: 'half_life', days: 0 } },
      { 'decay.days': 'a whole number of days from 1 to 3650' },
    ],
    [
      'fit needs a value',
      {
        rules: [
          { ...valid.rules[0]!, condition: { type: 'contact_field', field: 'country', operator: 'equals' } },
        ],
      },
      { 'rules.0.condition': '"equals" needs a value' },
    ],
    [
      'numbers compare numbers',
      {
        rules: [
          {
            ...valid.rules[0]!,
            condition: { type: 'contact_field', field: 'size', operator: 'at_least', value: 'big' },
          },
        ],
      },
      { 'rules.0.condition': '"at_least" compares numbers: the value must be a number' },
    ],
  ];
  it.each(cases)('%s', (_name, over, expected) => {
    expect(modelProblems({ ...valid, ...over })).toEqual(expected);
  });
});

describe('explainScore', () => {
  const at = Date.UTC(2026, 0, 1);
  const rules = [
    { id: 'pricing', name: 'Pricing page visit' },
    { id: 'webinar', name: 'Webinar registration' },
    { id: 'unsub', name: 'Unsubscribed' },
  ];
  const decay = { type: 'expiry', days: 30 } as const;
  const row = (ruleId: string | null, points: number, daysAgo: number, reason: string | null = null) => ({
    ruleId,
    points,
    awardedAt: at - daysAgo * DAY,
    expiresAt: ruleId === null ? null : at - daysAgo * DAY + 30 * DAY,
    reason,
  });
  it('counts, points, manual adjustments and what expired', () => {
    const explained = explainScore(
      decay,
      rules,
      [
        row('pricing', 10, 1),
        row('pricing', 10, 2),
        row('pricing', 10, 3),
        row('webinar', 15, 4),
        row('unsub', -3, 5),
        row('pricing', 6, 40),
        row(null, 0 + 2, 1, 'Met at the fair'),
      ],
      at,
    );
    expect(explained.score).toBe(44);
    expect(explained.expiredPoints).toBe(6);
    expect(explained.text).toBe(
      '44 = 3 × Pricing page visit (10) + Webinar registration 15 − Unsubscribed 3 + Manual adjustment: Met at the fair 2, 6 points expired',
    );
  });
  it('nothing yet', () => {
    expect(explainScore(decay, rules, [], at).text).toBe('0: nothing scored yet');
  });
  it('everything expired (or a fit award ended)', () => {
    expect(explainScore(decay, rules, [row('pricing', 10, 40)], at).text).toBe('0 = 0, 10 points expired');
  });
});

describe('which contact changes move fit', () => {
  const fields = fitFieldsOf({
    rules: [
      {
        id: 'a',
        name: 'A',
        points: 5,
        frequency: 'first',
        condition: { type: 'contact_field', field: 'job_title', operator: 'is_set' },
      },
      {
        id: 'b',
        name: 'B',
        points: 5,
        frequency: 'first',
        condition: { type: 'contact_field', field: 'employees', operator: 'at_least', value: 5 },
      },
      { id: 'c', name: 'C', points: 5, frequency: 'each', condition: { type: 'email_opened' } },
    ],
  });
  it('reads the fields of the fit rules only', () => {
    expect([...fields].sort()).toEqual(['employees', 'job_title']);
  });
  it.each([
    ['jobTitle', 'job_title'],
    ['firstName', 'first_name'],
    ['country', 'country'],
    ['custom.employees', 'employees'],
    ['custom.jobTitle', 'jobTitle'],
  ])('change %s is fit field %s', (change, field) => {
    expect(fitFieldOfChange(change)).toBe(field);
  });
  it.each<[string, unknown, ReadonlySet<string>, boolean]>([
    ['contact_updated', ['jobTitle'], fields, true],
    ['contact_updated', ['phone', 'custom.employees'], fields, true],
    ['contact_updated', ['phone', 'firstName'], fields, false],
    ['contact_updated', ['custom.job_title_old'], fields, false],
    ['contact_updated', undefined, fields, false],
    ['contact_created', undefined, fields, true],
    ['contact_created', undefined, new Set(), false],
    ['contact_updated', ['jobTitle'], new Set(), false],
    ['contact_merged', undefined, fields, false],
    ['contact_erased', undefined, fields, false],
  ])('%s of %j → %s', (kind, changed, fit, moves) => {
    expect(changeMovesFit(kind, changed, fit)).toBe(moves);
  });
});
