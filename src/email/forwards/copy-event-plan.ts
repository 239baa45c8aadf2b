// Turns one open or click of a friend's forwarded copy, plus the copy's earlier events, into the rows to
// write and the send counters to move. Pure. The existing rules label machines (classifyOpen) and scanners
// (classifyClick, with the honeypot and burst relabels); a click implies an open; unique figures count
// copies (a copy opened twice by a person is one unique human open), moved only when a tally leaves or
// reaches zero, as the contacts' engagement planner does.
import type { Audience } from '../counters/counter-names.ts';
import { impliedOpenOf, type KnownEvent } from '../engagement/engagement-plan.ts';
import { classifyOpen } from '../engagement/machine-open-rules.ts';
import type { NetworkLabel } from '../engagement/machine-ranges.ts';
import { burstMembers, classifyClick, nearHoneypot } from '../engagement/scanner-rules.ts';
import { type CopyKind, FORWARD_COUNTER } from './forward-counters.ts';

/** An event of a copy already stored (or planned for this hit): the shape of a contact's. */
export interface CopyEvent extends KnownEvent {
  kind: CopyKind;
}

export interface CopyHit {
  kind: CopyKind;
  position: number;
  honeypot: boolean;
  method: string;
  userAgent: string | null;
  network: NetworkLabel | null;
  sourceHash: string;
  at: number;
  /** When the copy was handed to SMTP (null: not known). */
  sentAt: number | null;
}

export interface CopyPlan {
  insert: CopyEvent[];
  relabel: { id: string; reason: string }[];
  counters: Map<string, number>;
  machine: boolean;
  reason: string | null;
}

type Tally = Record<CopyKind, Record<Audience, number>>;

function tallyOf(events: readonly CopyEvent[]): Tally {
  const tally: Tally = { open: { human: 0, machine: 0 }, click: { human: 0, machine: 0 } };
  for (const event of events) tally[event.kind][event.machine ? 'machine' : 'human'] += 1;
  return tally;
}

export function planCopyHit(earlier: readonly CopyEvent[], hit: CopyHit, makeId: () => string): CopyPlan {
  // Copies: the relabels below change them, and the before/after tallies are compared.
  const events = earlier.map((event) => ({ ...event }));
  const before = tallyOf(events);
  const insert: CopyEvent[] = [];
  const relabelled = new Map<string, string>();
  const msSinceDelivery = hit.sentAt === null ? null : hit.at - hit.sentAt;
  const add = (kind: CopyKind, machine: boolean, reason: string | null, implied: boolean) => {
    const event: CopyEvent = {
      id: makeId(),
      kind,
      position: kind === 'click' ? hit.position : -1,
      at: hit.at,
      sourceHash: hit.sourceHash,
      machine,
      reason,
      implied,
      honeypot: kind === 'click' && hit.honeypot,
    };
    insert.push(event);
    events.push(event);
  };
  const relabel = (event: CopyEvent, reason: string) => {
    if (event.machine) return;
    event.machine = true;
    event.reason = reason;
    if (!insert.includes(event)) relabelled.set(event.id, reason);
    if (event.kind !== 'click') return;
    const impliedOpen = impliedOpenOf(events, event);
    if (impliedOpen) relabel(impliedOpen, reason);
  };

  let verdict: { machine: boolean; reason: string | null };
  if (hit.kind === 'open') {
    verdict = classifyOpen({
      method: hit.method,
      userAgent: hit.userAgent,
      network: hit.network,
      msSinceDelivery,
    });
    add('open', verdict.machine, verdict.reason, false);
  } else {
    const clicks = events.filter((event) => event.kind === 'click');
    verdict = classifyClick({ ...hit, msSinceDelivery, earlier: clicks });
    if (verdict.reason === 'honeypot')
      for (const click of nearHoneypot(clicks, hit.at)) relabel(click, 'near-honeypot');
    else if (verdict.reason === 'burst')
      for (const click of burstMembers(clicks, hit)) relabel(click, 'burst');
    add('click', verdict.machine, verdict.reason, false);
    // A click implies an open: the first of its class makes the copy an opened one of that class.
    const opens = events.filter((event) => event.kind === 'open' && event.machine === verdict.machine);
    if (opens.length === 0) add('open', verdict.machine, verdict.reason, true);
  }

  const after = tallyOf(events);
  const counters = new Map<string, number>();
  const move = (name: string, delta: number) => {
    if (delta !== 0) counters.set(name, (counters.get(name) ?? 0) + delta);
  };
  for (const kind of ['open', 'click'] as const) {
    for (const who of ['human', 'machine'] as const) {
      move(FORWARD_COUNTER.total(kind, who), after[kind][who] - before[kind][who]);
      move(FORWARD_COUNTER.unique(kind, who), Number(after[kind][who] > 0) - Number(before[kind][who] > 0));
    }
  }
  return {
    insert,
    relabel: [...relabelled].map(([id, reason]) => ({ id, reason })),
    counters,
    machine: verdict.machine,
    reason: verdict.reason,
  };
}
