import { describe, expect, it } from 'vitest';
import { type CopyEvent, type CopyHit, planCopyHit } from './copy-event-plan.ts';

const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const T = 1_800_000_000_000;
const SENT = T - 3_600_000;

const hit = (over: Partial<CopyHit> = {}): CopyHit => ({
  kind: 'open',
  position: 0,
  honeypot: false,
  method: 'GET',
  userAgent: UA,
  network: null,
  sourceHash: 'src',
  at: T,
  sentAt: SENT,
  ...over,
});
const event = (over: Partial<CopyEvent>): CopyEvent => ({
  id: 'e0',
  kind: 'open',
  position: -1,
  at: T - 60_000,
  sourceHash: 'src',
  machine: false,
  reason: null,
  implied: false,
  honeypot: false,
  ...over,
});

let n = 0;
const makeId = () => `new${++n}`;
const counters = (plan: ReturnType<typeof planCopyHit>) => Object.fromEntries(plan.counters);

describe('planCopyHit', () => {
  it.each([
    {
      name: "a person's first open: one open, one unique",
      earlier: [],
      hit: hit(),
      machine: false,
      counters: { 'forward:open:human': 1, 'forward:unique_open:human': 1 },
    },
    {
      name: 'a second open of the same copy: total only',
      earlier: [event({})],
      hit: hit(),
      machine: false,
      counters: { 'forward:open:human': 1 },
    },
    {
      name: "Apple's privacy proxy: a machine open",
      earlier: [],
      hit: hit({ userAgent: 'Mozilla/5.0' }),
      machine: true,
      counters: { 'forward:open:machine': 1, 'forward:unique_open:machine': 1 },
    },
    {
      name: 'an open in the seconds after delivery is a machine’s',
      earlier: [],
      hit: hit({ at: SENT + 1_000 }),
      machine: true,
      counters: { 'forward:open:machine': 1, 'forward:unique_open:machine': 1 },
    },
    {
      name: 'a click implies an open',
      earlier: [],
      hit: hit({ kind: 'click', position: 1 }),
      machine: false,
      counters: {
        'forward:click:human': 1,
        'forward:unique_click:human': 1,
        'forward:open:human': 1,
        'forward:unique_open:human': 1,
      },
    },
    {
      name: 'a click after an open adds no open',
      earlier: [event({})],
      hit: hit({ kind: 'click', position: 1 }),
      machine: false,
      counters: { 'forward:click:human': 1, 'forward:unique_click:human': 1 },
    },
    {
      name: 'a click within a minute of delivery is a scanner’s',
      earlier: [],
      hit: hit({ kind: 'click', position: 1, at: SENT + 20_000 }),
      machine: true,
      counters: {
        'forward:click:machine': 1,
        'forward:unique_click:machine': 1,
        'forward:open:machine': 1,
        'forward:unique_open:machine': 1,
      },
    },
    {
      name: 'the honeypot relabels the human click beside it, and the open it implied',
      earlier: [
        event({ id: 'c1', kind: 'click', position: 0, at: T - 2_000 }),
        event({ id: 'o1', kind: 'open', implied: true, at: T - 2_000 }),
      ],
      hit: hit({ kind: 'click', position: 3, honeypot: true }),
      machine: true,
      relabel: ['c1', 'o1'],
      counters: {
        'forward:click:human': -1,
        'forward:unique_click:human': -1,
        'forward:click:machine': 2,
        'forward:unique_click:machine': 1,
        'forward:open:human': -1,
        'forward:unique_open:human': -1,
        'forward:open:machine': 1,
        'forward:unique_open:machine': 1,
      },
    },
  ])('$name', ({ earlier, hit: h, machine, counters: expected, relabel }) => {
    const plan = planCopyHit(earlier, h, makeId);
    expect(plan.machine).toBe(machine);
    expect(counters(plan)).toEqual(expected);
    expect(plan.relabel.map((r) => r.id)).toEqual(relabel ?? []);
  });
});
