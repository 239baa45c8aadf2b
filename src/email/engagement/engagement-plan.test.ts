import { describe, expect, it } from 'vitest';
import type { EngagementHit } from './engagement-hit.ts';
import {
  type EngagementWrites,
  type EventRow,
  type KnownEvent,
  type PlanState,
  planEngagement,
  recentKey,
  recipientOf,
  type Tally,
} from './engagement-plan.ts';

const chrome =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const HOUR = 3_600_000;
const T = 100 * HOUR;
const HONEYPOT = 9;

/** Storage as the plan sees it, kept in memory: batches are planned against it and applied to it. */
class Memory {
  events = new Map<string, EventRow>();
  /** By recentKey, then scope. */
  engagement = new Map<string, Map<string, Tally>>();
  counters = new Map<string, number>();
  private ids = 0;

  constructor(
    private readonly recipients: Record<string, { tracking: boolean | undefined }>,
    private readonly sentAt = T - HOUR,
  ) {}

  run(hits: EngagementHit[]) {
    const recent = new Map<string, KnownEvent[]>();
    for (const row of [...this.events.values()].sort((a, b) => a.occurred_at - b.occurred_at)) {
      const key = recentKey(row.send_id, row.recipient_key);
      recent.set(key, [
        ...(recent.get(key) ?? []),
        {
          id: row.id,
          kind: row.kind,
          position: row.link_position ?? -1,
          at: row.occurred_at,
          sourceHash: row.source_hash,
          machine: row.machine === 1,
          reason: row.machine_reason,
          implied: row.implied === 1,
          honeypot: row.kind === 'click' && row.machine_reason === 'honeypot',
        },
      ]);
    }
    const state: PlanState = {
      sends: new Map([['s1', { listIds: ['l1', 'l2'] }]]),
      recipients: new Map(
        Object.keys(this.recipients).map((c) => [
          recipientOf('s1', c),
          { sentAt: this.sentAt, email: emailOf(c) },
        ]),
      ),
      tracking: new Map(
        Object.entries(this.recipients)
          .filter(([, r]) => r.tracking !== undefined)
          .map(([c, r]) => [c, r.tracking as boolean]),
      ),
      engagement: new Map(
        [...this.engagement].map(([k, scopes]) => [
          k,
          new Map([...scopes].map(([scope, t]) => [scope, { ...t }])),
        ]),
      ),
      recent,
    };
    const result = planEngagement(hits, state, () => `e${++this.ids}`);
    this.apply(result.writes);
    return result;
  }

  private apply(writes: EngagementWrites) {
    for (const row of writes.events) this.events.set(row.id, { ...row });
    for (const { id, reason } of writes.relabels) {
      const row = this.events.get(id) as EventRow;
      row.machine = 1;
      row.machine_reason = reason;
    }
    for (const row of writes.engagement) {
      const key = recentKey(row.send_id, row.recipient_key);
      const scopes = this.engagement.get(key) ?? new Map<string, Tally>();
      scopes.set(row.scope, { human: row.human, machine: row.machine });
      this.engagement.set(key, scopes);
    }
    for (const [name, delta] of writes.counters.get('s1') ?? [])
      this.counters.set(name, (this.counters.get(name) ?? 0) + delta);
  }

  counter(name: string) {
    return this.counters.get(name) ?? 0;
  }

  /** Counters recomputed from the events alone: what the incremental ones must always equal. */
  recount(): Map<string, number> {
    const out = new Map<string, number>();
    const add = (name: string, n = 1) => out.set(name, (out.get(name) ?? 0) + n);
    const uniques = new Map<string, Set<string>>();
    const unique = (name: string, who: string) => {
      const set = uniques.get(name) ?? new Set();
      set.add(who);
      uniques.set(name, set);
    };
    for (const e of this.events.values()) {
      const who = e.machine ? 'machine' : 'human';
      // Recipient keys here are `rk-<contact>`: the contact's domain, in lower case as counted.
      const domain = emailOf(e.recipient_key.slice(3)).split('@')[1]?.toLowerCase();
      if (e.kind !== 'unsubscribe') add(`at:${Math.floor(e.occurred_at / HOUR)}:${e.kind}:${who}`);
      if (e.kind === 'open') {
        add(`open:${who}`);
        unique(`unique_open:${who}`, e.recipient_key);
        if (who === 'human') unique(`domain:${domain}:unique_open:human`, e.recipient_key);
      } else if (e.kind === 'click') {
        add(`click:${who}`);
        unique(`unique_click:${who}`, e.recipient_key);
        if (who === 'human') unique(`domain:${domain}:unique_click:human`, e.recipient_key);
        add(`link:${e.link_position}:click:${who}`);
        unique(`link:${e.link_position}:unique_click:${who}`, e.recipient_key);
      } else unique('unsubscribe', e.recipient_key);
    }
    for (const [name, set] of uniques) out.set(name, set.size);
    return out;
  }

  expectConsistent() {
    const nonZero = new Map([...this.counters].filter(([, v]) => v !== 0));
    expect(nonZero).toEqual(this.recount());
  }
}

/** Two domains, so the per-domain counters are told apart. */
const emailOf = (contact: string) => `${contact}@${contact < 'm' ? 'Early' : 'late'}.example`;

let clock = T;
function hit(
  contactId: string,
  kind: EngagementHit['kind'],
  extra: Partial<EngagementHit> = {},
): EngagementHit {
  clock += 1;
  return {
    kind,
    sendId: 's1',
    contactId,
    recipientKey: `rk-${contactId}`,
    position: 0,
    honeypot: false,
    method: 'GET',
    userAgent: chrome,
    network: null,
    sourceHash: `ip-${contactId}`,
    visitorCookie: null,
    at: clock,
    ...extra,
  };
}
const click = (contactId: string, position: number, extra: Partial<EngagementHit> = {}) =>
  hit(contactId, 'click', { position, honeypot: position === HONEYPOT, ...extra });
const later = (ms: number) => {
  clock += ms;
};

describe('planEngagement', () => {
  it('records a human open against the contact and counts it once as unique', () => {
    const memory = new Memory({ ann: { tracking: true } });
    const { outcomes } = memory.run([hit('ann', 'open'), hit('ann', 'open')]);
    expect(outcomes.map((o) => [o.recorded, o.machine])).toEqual([
      [true, false],
      [true, false],
    ]);
    expect([...memory.events.values()].map((e) => [e.kind, e.contact_id, e.machine])).toEqual([
      ['open', 'ann', 0],
      ['open', 'ann', 0],
    ]);
    expect(memory.counter('open:human')).toBe(2);
    expect(memory.counter('unique_open:human')).toBe(1);
    memory.expectConsistent();
  });

  it('labels a machine open and keeps it apart from human opens', () => {
    const memory = new Memory({ ann: { tracking: true } });
    memory.run([hit('ann', 'open', { userAgent: 'Mozilla/5.0' })]);
    const [event] = memory.events.values();
    expect([event?.machine, event?.machine_reason]).toEqual([1, 'apple-mpp']);
    expect(memory.counter('unique_open:machine')).toBe(1);
    expect(memory.counter('unique_open:human')).toBe(0);
    memory.expectConsistent();
  });

  it('counts without naming anyone when the contact has not allowed tracking (or is gone)', () => {
    const memory = new Memory({ bob: { tracking: false }, gone: { tracking: undefined } });
    const { writes, outcomes } = (() => {
      const result = memory.run([hit('bob', 'open'), click('bob', 1), click('gone', 0)]);
      return result;
    })();
    expect([...memory.events.values()].every((e) => e.contact_id === null)).toBe(true);
    expect([...memory.events.values()].every((e) => e.recipient_key.startsWith('rk-'))).toBe(true);
    expect(writes.identify).toEqual([]);
    expect(outcomes.every((o) => o.recorded)).toBe(true);
    expect(memory.counter('unique_click:human')).toBe(2);
    memory.expectConsistent();
  });

  it('records nothing for a send or recipient it does not know', () => {
    const memory = new Memory({ ann: { tracking: true } });
    const { outcomes } = memory.run([hit('stranger', 'open'), { ...hit('ann', 'click'), sendId: 'other' }]);
    expect(outcomes.map((o) => o.recorded)).toEqual([false, false]);
    expect(memory.events.size).toBe(0);
  });

  it('a human click implies a human open, even after machine opens, and asks to identify the browser', () => {
    const memory = new Memory({ ann: { tracking: true } });
    memory.run([hit('ann', 'open', { userAgent: 'Mozilla/5.0' })]);
    later(60_000);
    const { writes } = memory.run([click('ann', 1, { visitorCookie: 'cookie-id-1234567890' })]);
    const rows = writes.events.map((e) => [e.kind, e.machine, e.implied, e.link_position]);
    expect(rows).toEqual([
      ['click', 0, 0, 1],
      ['open', 0, 1, null],
    ]);
    expect(writes.identify).toMatchObject([
      { hitIndex: 0, contactId: 'ann', visitorCookie: 'cookie-id-1234567890' },
    ]);
    expect(memory.counter('unique_open:human')).toBe(1);
    expect(memory.counter('unique_open:machine')).toBe(1);
    expect(memory.counter('link:1:unique_click:human')).toBe(1);
    // A second click implies nothing more.
    later(60_000);
    memory.run([click('ann', 1)]);
    expect(memory.counter('open:human')).toBe(1);
    expect(memory.counter('click:human')).toBe(2);
    expect(memory.counter('unique_click:human')).toBe(1);
    memory.expectConsistent();
  });

  it('a honeypot hit turns the clicks around it into scanner clicks, counters and uniques included', () => {
    const memory = new Memory({ ann: { tracking: true }, bob: { tracking: true } });
    memory.run([click('bob', 0)]); // another recipient, untouched
    later(60_000);
    memory.run([click('ann', 0)]);
    later(2_000);
    memory.run([click('ann', 1)]);
    expect(memory.counter('unique_click:human')).toBe(2);
    later(1_000);
    const { writes } = memory.run([click('ann', HONEYPOT)]);
    expect(writes.relabels.map((r) => r.reason)).toEqual(['near-honeypot', 'near-honeypot', 'near-honeypot']);
    later(3_000);
    const after = memory.run([click('ann', 2)]);
    expect(after.outcomes[0]).toMatchObject({ machine: true, reason: 'near-honeypot' });
    expect(after.writes.identify).toEqual([]);

    expect(memory.counter('unique_click:human')).toBe(1);
    expect(memory.counter('unique_click:machine')).toBe(1);
    expect(memory.counter('click:machine')).toBe(4);
    expect(memory.counter('unique_open:human')).toBe(1); // bob's implied open only
    expect(memory.counter(`link:${HONEYPOT}:click:machine`)).toBe(1);
    memory.expectConsistent();
  });

  it('a burst of links from one source relabels the burst, within one batch too', () => {
    const memory = new Memory({ ann: { tracking: true } });
    const { outcomes } = memory.run([click('ann', 0), click('ann', 1), click('ann', 2), click('ann', 3)]);
    expect(outcomes.map((o) => o.reason)).toEqual([null, null, 'burst', 'burst']);
    expect(
      [...memory.events.values()].filter((e) => e.kind === 'click').map((e) => e.machine_reason),
    ).toEqual(['burst', 'burst', 'burst', 'burst']);
    expect(memory.counter('unique_click:human')).toBe(0);
    expect(memory.counter('unique_open:human')).toBe(0);
    expect(memory.counter('unique_open:machine')).toBe(1);
    memory.expectConsistent();
  });

  it('a click within a minute of delivery is a scanner click and implies a machine open', () => {
    const memory = new Memory({ ann: { tracking: true } }, clock - 10_000);
    const { writes, outcomes } = memory.run([click('ann', 0)]);
    expect(outcomes[0]).toMatchObject({ machine: true, reason: 'at-delivery' });
    expect(writes.events.map((e) => [e.kind, e.machine, e.implied])).toEqual([
      ['click', 1, 0],
      ['open', 1, 1],
    ]);
    expect(writes.identify).toEqual([]);
    memory.expectConsistent();
  });

  it('an unsubscribe is counted once per recipient and always asks to leave the send lists', () => {
    const memory = new Memory({ ann: { tracking: false } });
    const first = memory.run([hit('ann', 'unsubscribe'), hit('ann', 'unsubscribe')]);
    const again = memory.run([hit('ann', 'unsubscribe')]);
    expect(memory.counter('unsubscribe')).toBe(1);
    expect([...memory.events.values()].map((e) => [e.kind, e.contact_id])).toEqual([['unsubscribe', null]]);
    expect([...first.writes.unsubscribes, ...again.writes.unsubscribes].map((u) => u.listIds)).toEqual([
      ['l1', 'l2'],
      ['l1', 'l2'],
      ['l1', 'l2'],
    ]);
    memory.expectConsistent();
  });
});
