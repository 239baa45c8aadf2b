// Whether every answered request was stored once: the events a database holds after a load run against
// the requests the generator got a success for. Requests still in flight when a run stopped may have been
// stored (their answer was never read), so up to that many more is not an error.

export interface StoredCount {
  /** Requests answered with the success status. */
  ok: number;
  /** Events the database holds for the run. */
  stored: number;
  /** Requests written but unanswered when the run stopped. */
  inFlight: number;
}

/** True when every answered request was stored, once (extra rows only from requests in flight). */
export function storedOnce({ ok, stored, inFlight }: StoredCount): boolean {
  return stored >= ok && stored <= ok + inFlight;
}

export function storedVerdict({ ok, stored, inFlight }: StoredCount): string {
  if (stored < ok) return `${ok - stored} ANSWERED 2xx BUT NOT STORED`;
  if (stored === ok) return 'every 2xx stored';
  if (stored <= ok + inFlight)
    return `every 2xx stored, plus ${stored - ok} of the ${inFlight} still in flight when a slice stopped`;
  return `${stored - ok - inFlight} MORE STORED THAN SENT`;
}
