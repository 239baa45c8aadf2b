// What the SQLite writer thread learnt about recipients in earlier batches, so that a recipient's next
// hit (the click after the open, a second open) needs no reads: the recipient and its contact's tracking
// choice, its tallies and its recent events. Valid only while no other connection has written the file:
// the owner calls sync() with PRAGMA data_version inside each transaction, and everything is forgotten
// when it moved (the main thread writes contacts, sends, recipients; erasure and merges delete and move
// events). Bounded: the recipients remembered first go first. A Map and not lru-cache (the project's
// cache elsewhere), as tracking/browser-cache.ts explains: dropped wholesale on another writer's commit,
// one Map read per lookup in the writer thread (decision 005).
//
// The owner hands the remembered objects to the planner, which moves tallies and relabels events in
// place: after a commit they are what is stored; after a rollback the owner must clear() the cache.
import type { KnownEvent, Tally } from './engagement-plan.ts';

export interface RecipientFacts {
  contactId: string;
  /** False: no such recipient (erased, or not on the send); nothing else is known then. */
  exists: boolean;
  /** When the recipient's email was handed over (null: not yet). */
  sentAt: number | null;
  /** The address it was sent to (its domain keys the per-domain counters); null once erased. */
  email: string | null;
  /** The contact's own tracking choice (null: the install's default); undefined: no such contact. */
  emailTracking: number | null | undefined;
  /** Every tally of the recipient, by scope. */
  tallies: Map<string, Tally>;
  /** Every click and open of the recipient at or after recentFrom (Infinity: none known). */
  recent: KnownEvent[];
  recentFrom: number;
}

/** Keeps only the events at or after `from` (never widening what is known). */
export function forgetBefore(facts: RecipientFacts, from: number): void {
  if (facts.recentFrom >= from) return;
  facts.recent = facts.recent.filter((event) => event.at >= from);
  facts.recentFrom = from;
}

export class RecipientCache {
  private version: number | null = null;
  private readonly recipients = new Map<string, RecipientFacts>();
  /** List ids of a send (null: no such send); sends never change their lists. */
  readonly sends = new Map<string, string[] | null>();

  constructor(private readonly limit: number) {}

  /** Forgets everything if another connection committed since the last call. */
  sync(dataVersion: number): void {
    if (dataVersion !== this.version) this.clear();
    this.version = dataVersion;
  }

  clear(): void {
    this.recipients.clear();
    this.sends.clear();
  }

  get(key: string): RecipientFacts | undefined {
    return this.recipients.get(key);
  }

  set(key: string, facts: RecipientFacts): void {
    if (!this.recipients.has(key) && this.recipients.size >= this.limit)
      this.recipients.delete(this.recipients.keys().next().value as string);
    this.recipients.set(key, facts);
  }

  rememberSend(sendId: string, listIds: string[] | null): void {
    if (this.sends.size >= 1_000) this.sends.clear();
    this.sends.set(sendId, listIds);
  }
}
