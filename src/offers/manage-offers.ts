// Managing offers through the API: every save checks the window (a known time zone, an end after the
// start), the limits and each URL (the destination rules every stored redirect passes); withdrawing;
// and the insights per offer.
import { contactsDeliveredOffer } from '../email/sends/store.ts';
import { normaliseDestination } from '../lib/destination-url.ts';
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import type { Db } from '../storage/schema.ts';
import { type Offer, type OfferInput, toOffer } from './offer.ts';
import { type OfferReason, remainingOf } from './offer-rules.ts';
import {
  existingOfferIds,
  findOffer,
  hitCountsOf,
  insertOffer,
  listOfferRows,
  type OfferRow,
  type OfferValues,
  peopleOf,
  updateOffer,
  withdrawOffer as withdrawOfferRow,
} from './store.ts';
import { instantOf, knownTimeZone, parseLocal } from './zoned-time.ts';

const URL_FIELDS = ['claimUrl', 'notStartedUrl', 'endedUrl', 'exhaustedUrl', 'withdrawnUrl'] as const;
const MAX_OFFERS_LISTED = 500;

function refuse(problems: Record<string, string>): never {
  throw new AppError(
    'unprocessable',
    `Some values are not valid: ${Object.entries(problems)
      .map(([field, message]) => `${field} ${message}`)
      .join('; ')}.`,
    { fields: problems },
  );
}

/** The stored values of an input, or a 422 naming every field that is wrong and why. */
export function checkOffer(input: OfferInput): OfferValues {
  const problems: Record<string, string> = {};
  const name = input.name.trim();
  if (name === '') problems['name'] = 'is empty';
  const urls: Partial<Record<(typeof URL_FIELDS)[number], string | null>> = {};
  for (const field of URL_FIELDS) {
    const raw = input[field];
    if (raw === undefined || raw === null || (field !== 'claimUrl' && raw.trim() === '')) {
      urls[field] = null;
      continue;
    }
    try {
      urls[field] = normaliseDestination(raw);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems[field] = error.message.replace(/^The address /, '').replace(/\.$/, '');
    }
  }
  const timeZone = knownTimeZone(input.timeZone);
  if (!timeZone)
    problems['timeZone'] = `is not a time zone this server knows (use an IANA name such as "Europe/Paris")`;
  const starts = parseLocal(input.startsAt);
  const ends = parseLocal(input.endsAt);
  const localHint = 'is not a local date and time like 2026-12-24T09:00 (no offset: the time zone says it)';
  if (!starts) problems['startsAt'] = localHint;
  if (!ends) problems['endsAt'] = localHint;
  let startsAt = 0;
  let endsAt = 0;
  if (timeZone && starts && ends) {
    startsAt = instantOf(starts, timeZone);
    endsAt = instantOf(ends, timeZone);
    if (endsAt <= startsAt) problems['endsAt'] = 'must be later than the start';
  }
  const claimLimit = input.claimLimit ?? null;
  if (claimLimit !== null && (!Number.isInteger(claimLimit) || claimLimit < 1))
    problems['claimLimit'] = 'must be a whole number of at least 1 (or null for no limit)';
  const perContactLimit = input.perContactLimit ?? 1;
  if (!Number.isInteger(perContactLimit) || perContactLimit < 1)
    problems['perContactLimit'] = 'must be a whole number of at least 1';
  if (Object.keys(problems).length > 0) refuse(problems);
  return {
    name,
    claim_url: urls.claimUrl as string,
    not_started_url: urls.notStartedUrl ?? null,
    ended_url: urls.endedUrl ?? null,
    exhausted_url: urls.exhaustedUrl ?? null,
    withdrawn_url: urls.withdrawnUrl ?? null,
    time_zone: timeZone as string,
    starts_local: (starts as { text: string }).text,
    ends_local: (ends as { text: string }).text,
    starts_at: startsAt,
    ends_at: endsAt,
    claim_limit: claimLimit,
    per_contact_limit: perContactLimit,
  };
}

async function requireOffer(db: Db, id: string): Promise<OfferRow> {
  const row = await findOffer(db, id);
  if (!row) throw new AppError('not_found', `There is no offer with id "${id}".`);
  return row;
}

export async function createOffer(db: Db, input: OfferInput): Promise<Offer> {
  const values = checkOffer(input);
  const id = newId();
  await insertOffer(db, id, values, Date.now());
  return toOffer(await requireOffer(db, id));
}

/** Changes the fields given (null clears an optional one); the claims taken stay. */
export async function changeOffer(db: Db, id: string, input: Partial<OfferInput>): Promise<Offer> {
  const row = await requireOffer(db, id);
  const current: OfferInput = {
    name: row.name,
    claimUrl: row.claim_url,
    notStartedUrl: row.not_started_url,
    endedUrl: row.ended_url,
    exhaustedUrl: row.exhausted_url,
    withdrawnUrl: row.withdrawn_url,
    startsAt: row.starts_local,
    endsAt: row.ends_local,
    timeZone: row.time_zone,
    claimLimit: row.claim_limit,
    perContactLimit: row.per_contact_limit,
  };
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const values = checkOffer({ ...current, ...given });
  await updateOffer(db, id, values, Date.now());
  return toOffer(await requireOffer(db, id));
}

export async function withdrawOffer(db: Db, id: string): Promise<Offer> {
  await requireOffer(db, id);
  await withdrawOfferRow(db, id, Date.now());
  return toOffer(await requireOffer(db, id));
}

export async function getOffer(db: Db, id: string): Promise<Offer> {
  return toOffer(await requireOffer(db, id));
}

export async function listOffers(db: Db): Promise<Offer[]> {
  const now = Date.now();
  return (await listOfferRows(db, MAX_OFFERS_LISTED)).map((row) => toOffer(row, now));
}

/** Which of these ids name no offer (messages ask before saving a {{ offer "ID" }} tag). */
export async function unknownOffers(db: Db, ids: readonly string[]): Promise<string[]> {
  const known = await existingOfferIds(db, ids);
  return ids.filter((id) => !known.has(id));
}

export const REFUSALS: readonly Exclude<OfferReason, 'claimed'>[] = [
  'already_claimed',
  'not_started',
  'ended',
  'exhausted',
  'withdrawn',
  'machine',
];

export interface OfferInsights {
  offerId: string;
  /** Contacts an email carrying the offer was delivered to. */
  delivered: number;
  /** Contacts who followed their offer link themselves (machines left out). */
  uniqueClickers: number;
  /** Claims taken (a contact allowed several counts each). */
  claimed: number;
  /** Contacts holding a claim. */
  claimants: number;
  /** Follows that took no claim, by why. */
  refused: Record<Exclude<OfferReason, 'claimed'>, number>;
  remaining: number | null;
  /** Contacts holding a claim ÷ delivered; null before any delivery. */
  claimRate: number | null;
}

export async function offerInsights(db: Db, id: string): Promise<OfferInsights> {
  const row = await requireOffer(db, id);
  const [delivered, hits, people] = await Promise.all([
    contactsDeliveredOffer(db, id),
    hitCountsOf(db, id),
    peopleOf(db, id),
  ]);
  const refused = Object.fromEntries(REFUSALS.map((reason) => [reason, hits.get(reason) ?? 0]));
  return {
    offerId: id,
    delivered,
    uniqueClickers: people.clickers,
    claimed: row.claimed,
    claimants: people.claimants,
    refused: refused as OfferInsights['refused'],
    remaining: remainingOf({ claimLimit: row.claim_limit, claimed: row.claimed }),
    claimRate: delivered === 0 ? null : people.claimants / delivered,
  };
}
