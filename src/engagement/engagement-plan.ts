// Turns a batch of email hits plus what storage holds about their recipients into the rows to write:
// labelled events, relabels of earlier clicks, per-recipient engagement and counter deltas. Pure.
//
// Unique counts stay exact through send_engagement: per recipient and scope ('open', 'click',
// 'link:N', 'unsubscribe') it counts human and machine events, and a unique counter moves only when
// a count leaves or reaches zero. A relabel (a honeypot hit or a burst found later) moves an event
// from human to machine through the same arithmetic, so totals and uniques stay consistent.
import { newId } from '../lib/ids.ts';
import { type Audience, COUNTER } from '../send-counters/counter-names.ts';
import type { EmailEventKind } from '../storage/schema.ts';
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

export interface Tally {
  human: number;
  machine: number;
}

/** What the store loaded for this batch. */
export interface PlanState {
  /** The batch's sends that exist, with the lists they went to. */
  sends: Map<string, { listIds: string[] }>;
  /** Recipients by recipientOf(send, contact), with when their email was handed over (null: not yet). */
  recipients: Map<string, { sentAt: number | null }>;
  /** Existing contacts: whether their opens and clicks may be attached to them (default applied). */
  tracking: Map<string, boolean>;
  /** By engagementKey(send, recipient, scope). */
  engagement: Map<string, Tally>;
  /** Recent events of clicking recipients, by recentKey(send, recipient), oldest first. */
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
  /** Stored events that turned out to be a machine's. */
  relabels: { id: string; reason: string }[];
  engagement: EngagementRow[];
  /** Counter deltas per send. */
  counters: Map<string, Map<string, number>>;
  /** Human clicks with tracking consent: map the browser to the contact. */
  identify: { hitIndex: number; contactId: string; visitorCookie: string | null; at: number }[];
  unsubscribes: { hitIndex: number; sendId: string; contactId: string; listIds: string[]; at: number }[];
}

export const recipientOf = (sendId: string, contactId: string) => `${sendId}\u0000${contactId}`;
export const engagementKey = (sendId: string, recipientKey: string, scope: string) =>
  `${sendId}\u0000${recipientKey}\u0000${scope}`;
export const recentKey = (sendId: string, recipientKey: string) => `${sendId}\u0000${recipientKey}`;

const NOT_RECORDED: HitOutcome = {
  recorded: false,
  machine: false,
  reason: null,
  visitorId: null,
  unsubscribed: 0,
};

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
  /** Tallies changed by this batch, by engagementKey. */
  private readonly dirty = new Map<string, { sendId: string; recipientKey: string; scope: string }>();

  constructor(
    private readonly state: PlanState,
    private readonly makeId: () => string,
  ) {}

  hit(hit: EngagementHit, index: number): HitOutcome {
    const send = this.state.sends.get(hit.sendId);
    const recipient = this.state.recipients.get(recipientOf(hit.sendId, hit.contactId));
    if (!send || !recipient) return NOT_RECORDED;
    const consent = this.state.tracking.get(hit.contactId) === true;
    const msSinceDelivery = recipient.sentAt === null ? null : hit.at - recipient.sentAt;
    const signals = { method: hit.method, userAgent: hit.userAgent, network: hit.network, msSinceDelivery };

    if (hit.kind === 'open') {
      const verdict = classifyOpen(signals);
      this.addEvent(hit, consent, 'open', verdict.machine ? 'machine' : 'human', verdict.reason, false);
      return { ...NOT_RECORDED, recorded: true, ...verdict };
    }

    if (hit.kind === 'unsubscribe') {
      const tally = this.tally(hit, 'unsubscribe');
      // Once per recipient: repeating the POST (mail clients retry) changes nothing more.
      if (tally.human === 0) {
        this.add(hit, 'unsubscribe', 'human', 1);
        this.addEvent(hit, consent, 'unsubscribe', 'human', null, false);
      }
      this.writes.unsubscribes.push({
        hitIndex: index,
        sendId: hit.sendId,
        contactId: hit.contactId,
        listIds: send.listIds,
        at: hit.at,
      });
      return { ...NOT_RECORDED, recorded: true };
    }

    const earlier = this.recent(hit).filter((event) => event.kind === 'click');
    const verdict = classifyClick({
      ...signals,
      honeypot: hit.honeypot,
      position: hit.position,
      at: hit.at,
      sourceHash: hit.sourceHash,
      earlier,
    });
    if (verdict.reason === 'honeypot') {
      for (const click of nearHoneypot(earlier, hit.at)) this.relabel(hit, click, 'near-honeypot');
    } else if (verdict.reason === 'burst') {
      for (const click of burstMembers(earlier, hit)) this.relabel(hit, click, 'burst');
    }
    const who: Audience = verdict.machine ? 'machine' : 'human';
    this.addEvent(hit, consent, 'click', who, verdict.reason, false);
    // A click implies an open: the first of its class makes the recipient an opener of that class.
    if (this.tally(hit, 'open')[who] === 0) this.addEvent(hit, consent, 'open', who, verdict.reason, true);
    // The writer resolves the browser and fills in the outcome's visitorId.
    if (who === 'human' && consent) {
      this.writes.identify.push({
        hitIndex: index,
        contactId: hit.contactId,
        visitorCookie: hit.visitorCookie,
        at: hit.at,
      });
    }
    return { ...NOT_RECORDED, recorded: true, ...verdict };
  }

  finish(): EngagementWrites {
    for (const [key, { sendId, recipientKey, scope }] of this.dirty) {
      const tally = this.state.engagement.get(key) as Tally;
      this.writes.engagement.push({
        send_id: sendId,
        recipient_key: recipientKey,
        scope,
        human: tally.human,
        machine: tally.machine,
      });
    }
    return this.writes;
  }

  private recent(hit: EngagementHit): KnownEvent[] {
    const key = recentKey(hit.sendId, hit.recipientKey);
    let events = this.state.recent.get(key);
    if (!events) {
      events = [];
      this.state.recent.set(key, events);
    }
    return events;
  }

  private tally(hit: { sendId: string; recipientKey: string }, scope: string): Tally {
    const key = engagementKey(hit.sendId, hit.recipientKey, scope);
    let tally = this.state.engagement.get(key);
    if (!tally) {
      tally = { human: 0, machine: 0 };
      this.state.engagement.set(key, tally);
    }
    return tally;
  }

  private addEvent(
    hit: EngagementHit,
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
    if (kind === 'open') this.add(hit, 'open', who, 1);
    if (kind === 'click') {
      this.add(hit, 'click', who, 1);
      this.add(hit, `link:${hit.position}`, who, 1);
    }
    this.recent(hit).push({
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
  private relabel(hit: EngagementHit, event: KnownEvent, reason: string): void {
    if (event.machine) return;
    event.machine = true;
    event.reason = reason;
    const planned = this.planned.get(event.id);
    if (planned) {
      planned.machine = 1;
      planned.machine_reason = reason;
    } else {
      this.writes.relabels.push({ id: event.id, reason });
    }
    const scopes = event.kind === 'click' ? ['click', `link:${event.position}`] : [event.kind];
    for (const scope of scopes) {
      this.add(hit, scope, 'human', -1);
      this.add(hit, scope, 'machine', 1);
    }
    if (event.kind !== 'click') return;
    const impliedOpen = this.recent(hit).find(
      (e) =>
        e.kind === 'open' &&
        e.implied &&
        !e.machine &&
        e.at === event.at &&
        e.sourceHash === event.sourceHash,
    );
    if (impliedOpen) this.relabel(hit, impliedOpen, reason);
  }

  /** Adds to a recipient's tally in a scope and to the send's total and unique counters. */
  private add(hit: EngagementHit, scope: string, who: Audience, delta: number): void {
    const tally = this.tally(hit, scope);
    const before = tally[who];
    tally[who] = before + delta;
    this.dirty.set(engagementKey(hit.sendId, hit.recipientKey, scope), {
      sendId: hit.sendId,
      recipientKey: hit.recipientKey,
      scope,
    });
    const names = counterNames(scope, who);
    if (names.total) this.count(hit.sendId, names.total, delta);
    if (before === 0 && tally[who] > 0) this.count(hit.sendId, names.unique, 1);
    if (before > 0 && tally[who] === 0) this.count(hit.sendId, names.unique, -1);
  }

  private count(sendId: string, name: string, delta: number): void {
    let counters = this.writes.counters.get(sendId);
    if (!counters) {
      counters = new Map();
      this.writes.counters.set(sendId, counters);
    }
    counters.set(name, (counters.get(name) ?? 0) + delta);
  }
}

function counterNames(scope: string, who: Audience): { total: string | null; unique: string } {
  if (scope === 'open') return { total: COUNTER.opens(who), unique: COUNTER.uniqueOpens(who) };
  if (scope === 'click') return { total: COUNTER.clicks(who), unique: COUNTER.uniqueClicks(who) };
  if (scope === 'unsubscribe') return { total: null, unique: COUNTER.unsubscribes };
  const position = Number(scope.slice('link:'.length));
  return { total: COUNTER.linkClicks(position, who), unique: COUNTER.linkUniqueClicks(position, who) };
}
