// Turns a batch of email hits plus what storage holds about their recipients into the rows to write:
// labelled events, relabels of earlier clicks, per-recipient engagement and counter deltas. Pure.
//
// Unique counts stay exact through send_engagement: per recipient and scope ('open', 'click',
// 'link:N', 'unsubscribe') it counts human and machine events, and a unique counter moves only when
// a count leaves or reaches zero. A relabel (a honeypot hit or a burst found later) moves an event
// from human to machine through the same arithmetic, so totals and uniques stay consistent.
//
// For the insights page it also keeps total opens and clicks per hour (at the event's instant, moved
// with a relabel) and unique human opens and clicks per recipient domain (when the state knows the
// recipient's address). Deltas add up per batch: a batch adds one row per send, hour and domain touched.
import { newId } from '../../lib/ids.ts';
import type { EmailEventKind } from '../../storage/schema.ts';
import { type Audience, COUNTER, domainOf } from '../counters/counter-names.ts';
import type { EngagementHit, HitOutcome } from './engagement-hit.ts';
import { classifyOpen } from './machine-open-rules.ts';
import { burstMembers, classifyClick, nearHoneypot } from './scanner-rules.ts';

/** An event of the recipient already stored (or planned earlier in this batch). */
export interface KnownEvent {
  id: string;
  kind: EmailEventKind;
  /** Link position; -1 for events that are not clicks. */
  position: number;
  at: number;
  sourceHash: string | null;
  machine: boolean;
  reason: string | null;
  implied: boolean;
  /** A click on the honeypot link itself. */
  honeypot: boolean;
}

/** The human open a click implied (same instant, same source): relabelled with the click. */
export function impliedOpenOf<T extends KnownEvent>(events: readonly T[], click: KnownEvent): T | undefined {
  return events.find(
    (e) =>
      e.kind === 'open' && e.implied && !e.machine && e.at === click.at && e.sourceHash === click.sourceHash,
  );
}

export interface Tally {
  human: number;
  machine: number;
}

/** What the store loaded for this batch. */
export interface PlanState {
  /** The batch's sends that exist, with the lists they went to. */
  sends: Map<string, { listIds: string[] }>;
  /**
   * Recipients by recipientOf(send, contact), with when their email was handed over (null: not yet) and
   * the address it went to (send_recipients.email; absent: no per-domain counters for it).
   */
  recipients: Map<string, { sentAt: number | null; email?: string | null }>;
  /** Existing contacts: whether their opens and clicks may be attached to them (default applied). */
  tracking: Map<string, boolean>;
  /** Tallies by recentKey(send, recipient), then by scope; the planner moves and adds them in place. */
  engagement: Map<string, Map<string, Tally>>;
  /**
   * Recent events by recentKey(send, recipient): for a clicking recipient at least its clicks and implied
   * opens since the batch's look back (more may be there; the rules compare instants). The planner
   * appends the batch's events.
   */
  recent: Map<string, KnownEvent[]>;
}

export interface EventRow {
  id: string;
  send_id: string;
  contact_id: string | null;
  recipient_key: string;
  kind: EmailEventKind;
  link_position: number | null;
  occurred_at: number;
  machine: number;
  machine_reason: string | null;
  implied: number;
  source_hash: string | null;
  user_agent: string | null;
}

export interface EngagementRow {
  send_id: string;
  recipient_key: string;
  scope: string;
  human: number;
  machine: number;
}

export interface EngagementWrites {
  events: EventRow[];
  /**
   * Stored events that turned out to be a machine's. Found by the recipient and instant as well as the
   * id: the recipient's index leads to them (nothing indexes events by id alone).
   */
  relabels: { id: string; sendId: string; recipientKey: string; at: number; reason: string }[];
  engagement: EngagementRow[];
  /** Counter deltas per send. */
  counters: Map<string, Map<string, number>>;
  /** Human clicks with tracking consent: map the browser to the contact. */
  identify: { hitIndex: number; contactId: string; visitorCookie: string | null; at: number }[];
  unsubscribes: {
    hitIndex: number;
    sendId: string;
    contactId: string;
    listIds: string[];
    at: number;
    source?: string;
    wordingVersion?: string | null;
  }[];
}

export const recipientOf = (sendId: string, contactId: string) => `${sendId}\u0000${contactId}`;
/** A recipient of a send, as the state keys its tallies and recent events. */
export const recentKey = (sendId: string, recipientKey: string) => `${sendId}\u0000${recipientKey}`;

const NOT_RECORDED: HitOutcome = {
  recorded: false,
  machine: false,
  reason: null,
  visitorId: null,
  unsubscribed: 0,
};
const HUMAN = { machine: false, reason: null };

/** A fresh outcome (the writer fills in visitorId and unsubscribed). */
const recorded = (verdict: { machine: boolean; reason: string | null }): HitOutcome => ({
  recorded: true,
  machine: verdict.machine,
  reason: verdict.reason,
  visitorId: null,
  unsubscribed: 0,
});

// PostgreSQL refuses NUL in text; a user agent is a label, 512 characters are plenty.
const cleanUserAgent = (ua: string | null) => (ua ? ua.replaceAll('\0', '').slice(0, 512) : null);

export function planEngagement(
  hits: readonly EngagementHit[],
  state: PlanState,
  makeId: () => string = newId,
): { writes: EngagementWrites; outcomes: HitOutcome[] } {
  const planner = new Planner(state, makeId);
  const outcomes = hits.map((hit, index) => planner.hit(hit, index));
  return { writes: planner.finish(), outcomes };
}

class Planner {
  private readonly writes: EngagementWrites = {
    events: [],
    relabels: [],
    engagement: [],
    counters: new Map(),
    identify: [],
    unsubscribes: [],
  };
  private readonly planned = new Map<string, EventRow>();
  /** The batch's recipients, each looked up in the state once. */
  private readonly slots = new Map<string, Slot>();
  /** Tallies changed by this batch (by identity), with where they belong. */
  private readonly dirty = new Map<Tally, { slot: Slot; scope: string }>();

  constructor(
    private readonly state: PlanState,
    private readonly makeId: () => string,
  ) {}

  hit(hit: EngagementHit, index: number): HitOutcome {
    const send = this.state.sends.get(hit.sendId);
    const recipient = this.state.recipients.get(recipientOf(hit.sendId, hit.contactId));
    if (!send || !recipient) return NOT_RECORDED;
    const slot = this.slot(hit, recipient.email);
    const consent = this.state.tracking.get(hit.contactId) === true;
    const msSinceDelivery = recipient.sentAt === null ? null : hit.at - recipient.sentAt;
    // Objects are written out in full on this path: spreading them cost more than the rest of a hit.
    if (hit.kind === 'open') {
      const verdict = classifyOpen({
        method: hit.method,
        userAgent: hit.userAgent,
        network: hit.network,
        msSinceDelivery,
      });
      this.addEvent(hit, slot, consent, 'open', verdict.machine ? 'machine' : 'human', verdict.reason, false);
      return recorded(verdict);
    }

    if (hit.kind === 'unsubscribe') {
      // Once per recipient: repeating the POST (mail clients retry) changes nothing more.
      if (this.tally(slot, 'unsubscribe').human === 0) {
        this.add(slot, 'unsubscribe', 'human', 1);
        this.addEvent(hit, slot, consent, 'unsubscribe', 'human', null, false);
      }
      this.writes.unsubscribes.push({
        hitIndex: index,
        sendId: hit.sendId,
        contactId: hit.contactId,
        listIds: hit.unsubscribe?.listIds ?? send.listIds,
        at: hit.at,
        ...(hit.unsubscribe
          ? { source: hit.unsubscribe.source, wordingVersion: hit.unsubscribe.wordingVersion }
          : {}),
      });
      return recorded(HUMAN);
    }

    const earlier = slot.recent.filter((event) => event.kind === 'click');
    const verdict = classifyClick({
      method: hit.method,
      userAgent: hit.userAgent,
      network: hit.network,
      msSinceDelivery,
      honeypot: hit.honeypot,
      position: hit.position,
      at: hit.at,
      sourceHash: hit.sourceHash,
      earlier,
    });
    if (verdict.reason === 'honeypot') {
      for (const click of nearHoneypot(earlier, hit.at)) this.relabel(slot, click, 'near-honeypot');
    } else if (verdict.reason === 'burst') {
      for (const click of burstMembers(earlier, hit)) this.relabel(slot, click, 'burst');
    }
    const who: Audience = verdict.machine ? 'machine' : 'human';
    this.addEvent(hit, slot, consent, 'click', who, verdict.reason, false);
    // A click implies an open: the first of its class makes the recipient an opener of that class.
    if (this.tally(slot, 'open')[who] === 0)
      this.addEvent(hit, slot, consent, 'open', who, verdict.reason, true);
    // The writer resolves the browser and fills in the outcome's visitorId.
    if (who === 'human' && consent) {
      this.writes.identify.push({
        hitIndex: index,
        contactId: hit.contactId,
        visitorCookie: hit.visitorCookie,
        at: hit.at,
      });
    }
    return recorded(verdict);
  }

  finish(): EngagementWrites {
    for (const [tally, { slot, scope }] of this.dirty) {
      this.writes.engagement.push({
        send_id: slot.sendId,
        recipient_key: slot.recipientKey,
        scope,
        human: tally.human,
        machine: tally.machine,
      });
    }
    return this.writes;
  }

  private slot(hit: EngagementHit, email: string | null | undefined): Slot {
    const key = recentKey(hit.sendId, hit.recipientKey);
    let slot = this.slots.get(key);
    if (!slot) {
      let tallies = this.state.engagement.get(key);
      if (!tallies) {
        tallies = new Map();
        this.state.engagement.set(key, tallies);
      }
      let recent = this.state.recent.get(key);
      if (!recent) {
        recent = [];
        this.state.recent.set(key, recent);
      }
      let counters = this.writes.counters.get(hit.sendId);
      if (!counters) {
        counters = new Map();
        this.writes.counters.set(hit.sendId, counters);
      }
      slot = {
        sendId: hit.sendId,
        recipientKey: hit.recipientKey,
        tallies,
        recent,
        counters,
        domain: domainOf(email),
      };
      this.slots.set(key, slot);
    }
    return slot;
  }

  private tally(slot: Slot, scope: string): Tally {
    let tally = slot.tallies.get(scope);
    if (!tally) {
      tally = { human: 0, machine: 0 };
      slot.tallies.set(scope, tally);
    }
    return tally;
  }

  private addEvent(
    hit: EngagementHit,
    slot: Slot,
    consent: boolean,
    kind: EmailEventKind,
    who: Audience,
    reason: string | null,
    implied: boolean,
  ): void {
    const row: EventRow = {
      id: this.makeId(),
      send_id: hit.sendId,
      // Without tracking consent the event counts but is attached to no one.
      contact_id: consent ? hit.contactId : null,
      recipient_key: hit.recipientKey,
      kind,
      link_position: kind === 'click' ? hit.position : null,
      occurred_at: hit.at,
      machine: who === 'machine' ? 1 : 0,
      machine_reason: reason,
      implied: implied ? 1 : 0,
      source_hash: hit.sourceHash,
      user_agent: cleanUserAgent(hit.userAgent),
    };
    this.writes.events.push(row);
    this.planned.set(row.id, row);
    if (kind === 'open') {
      this.add(slot, 'open', who, 1);
      count(slot.counters, COUNTER.hourly('open', who, hit.at), 1);
    }
    if (kind === 'click') {
      this.add(slot, 'click', who, 1);
      this.add(slot, `link:${hit.position}`, who, 1);
      count(slot.counters, COUNTER.hourly('click', who, hit.at), 1);
    }
    slot.recent.push({
      id: row.id,
      kind,
      position: kind === 'click' ? hit.position : -1,
      at: hit.at,
      sourceHash: hit.sourceHash,
      machine: who === 'machine',
      reason,
      implied,
      honeypot: kind === 'click' && hit.honeypot,
    });
  }

  /** Turns a human event into a machine one, with its counters and the open it implied. */
  private relabel(slot: Slot, event: KnownEvent, reason: string): void {
    if (event.machine) return;
    event.machine = true;
    event.reason = reason;
    const planned = this.planned.get(event.id);
    if (planned) {
      planned.machine = 1;
      planned.machine_reason = reason;
    } else {
      this.writes.relabels.push({
        id: event.id,
        sendId: slot.sendId,
        recipientKey: slot.recipientKey,
        at: event.at,
        reason,
      });
    }
    const scopes = event.kind === 'click' ? ['click', `link:${event.position}`] : [event.kind];
    for (const scope of scopes) {
      this.add(slot, scope, 'human', -1);
      this.add(slot, scope, 'machine', 1);
    }
    if (event.kind === 'open' || event.kind === 'click') {
      count(slot.counters, COUNTER.hourly(event.kind, 'human', event.at), -1);
      count(slot.counters, COUNTER.hourly(event.kind, 'machine', event.at), 1);
    }
    if (event.kind !== 'click') return;
    const impliedOpen = impliedOpenOf(slot.recent, event);
    if (impliedOpen) this.relabel(slot, impliedOpen, reason);
  }

  /** Adds to a recipient's tally in a scope and to the send's total and unique counters. */
  private add(slot: Slot, scope: string, who: Audience, delta: number): void {
    const tally = this.tally(slot, scope);
    const before = tally[who];
    tally[who] = before + delta;
    if (!this.dirty.has(tally)) this.dirty.set(tally, { slot, scope });
    const names = counterNames(scope)[who];
    if (names.total) count(slot.counters, names.total, delta);
    const uniqueDelta = before === 0 && tally[who] > 0 ? 1 : before > 0 && tally[who] === 0 ? -1 : 0;
    if (uniqueDelta === 0) return;
    count(slot.counters, names.unique, uniqueDelta);
    if (who === 'human' && slot.domain !== null && (scope === 'open' || scope === 'click')) {
      const figure = scope === 'open' ? 'unique_open:human' : 'unique_click:human';
      count(slot.counters, COUNTER.domain(slot.domain, figure), uniqueDelta);
    }
  }
}

/** A recipient of the batch: its tallies and recent events in the state, its send's counter deltas. */
interface Slot {
  sendId: string;
  recipientKey: string;
  tallies: Map<string, Tally>;
  recent: KnownEvent[];
  counters: Map<string, number>;
  /** The recipient's domain (per-domain counters); null when unknown. */
  domain: string | null;
}

function count(counters: Map<string, number>, name: string, delta: number): void {
  counters.set(name, (counters.get(name) ?? 0) + delta);
}

type CounterNames = Record<Audience, { total: string | null; unique: string }>;
/** Names by scope, made once: every hit moves several counters. Scopes are few (link positions). */
const namesByScope = new Map<string, CounterNames>();

function counterNames(scope: string): CounterNames {
  let names = namesByScope.get(scope);
  if (!names) {
    const of = (who: Audience) => {
      if (scope === 'open') return { total: COUNTER.opens(who), unique: COUNTER.uniqueOpens(who) };
      if (scope === 'click') return { total: COUNTER.clicks(who), unique: COUNTER.uniqueClicks(who) };
      if (scope === 'unsubscribe') return { total: null, unique: COUNTER.unsubscribes };
      const position = Number(scope.slice('link:'.length));
      return { total: COUNTER.linkClicks(position, who), unique: COUNTER.linkUniqueClicks(position, who) };
    };
    names = { human: of('human'), machine: of('machine') };
    if (namesByScope.size >= 1_000) namesByScope.clear();
    namesByScope.set(scope, names);
  }
  return names;
}
