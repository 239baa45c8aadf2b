// Reads behind an event's insights: tallies of its registrations by status and check-in (for the event,
// per pass, per session), their times grouped in 15-minute slots (days are made in the event's zone from
// them, figures.ts), and the registrants behind a figure, keyset-paged in registration order through
// event_registrations_by_event_status (event_id, status, created_at, id; migration 031).
import { sql } from 'kysely';
import type { Db, RegistrationStatus } from '../../storage/schema.ts';
import { linkedSessions } from '../store.ts';
import { type FigureRows, type Series, SLOT_MS, type Tally } from './figures.ts';

const checked = sql<number>`case when checked_in_at is null then 0 else 1 end`;
const toTally = (row: {
  status: RegistrationStatus;
  checked: number | string;
  count: number | string | bigint;
}) => ({
  status: row.status,
  checkedIn: Number(row.checked) === 1,
  count: Number(row.count),
});

/** The event's registrations counted by pass (null: none), status and whether they checked in. */
export async function talliesByPass(db: Db, eventId: string): Promise<(Tally & { passId: string | null })[]> {
  const rows = await db
    .selectFrom('event_registrations')
    .select(['pass_id', 'status', checked.as('checked'), (eb) => eb.fn.countAll().as('count')])
    .where('event_id', '=', eventId)
    .groupBy(['pass_id', 'status', checked])
    .execute();
  return rows.map((row) => ({ passId: row.pass_id, ...toTally(row) }));
}

/** The same per session chosen (a registration counts in each of its sessions). */
export async function talliesBySession(db: Db, eventId: string): Promise<(Tally & { sessionId: string })[]> {
  const rows = await db
    .selectFrom('event_registrations')
    .innerJoin('event_registration_sessions as s', 's.registration_id', 'event_registrations.id')
    .select(['s.session_id', 'status', checked.as('checked'), (eb) => eb.fn.countAll().as('count')])
    .where('event_id', '=', eventId)
    .groupBy(['s.session_id', 'status', checked])
    .execute();
  return rows.map((row) => ({ sessionId: row.session_id, ...toTally(row) }));
}

const COLUMN: Record<Series, 'created_at' | 'cancelled_at' | 'checked_in_at'> = {
  registrations: 'created_at',
  cancellations: 'cancelled_at',
  checkIns: 'checked_in_at',
};

/** Registrations, cancellations or check-ins per 15-minute slot (instant / SLOT_MS). */
export async function slots(db: Db, eventId: string, series: Series) {
  const column = COLUMN[series];
  // Integer division on both engines (bigint / integer); the literal keeps select and group by one expression.
  const slot = sql<number | string>`${sql.ref(column)} / ${sql.lit(SLOT_MS)}`;
  const rows = await db
    .selectFrom('event_registrations')
    .select([slot.as('slot'), (eb) => eb.fn.countAll().as('count')])
    .where('event_id', '=', eventId)
    .where(column, 'is not', null)
    .groupBy(slot)
    .execute();
  return rows.map((row) => ({ slot: Math.floor(Number(row.slot)), count: Number(row.count) }));
}

export interface RegistrantRow {
  id: string;
  contactId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  status: RegistrationStatus;
  passId: string | null;
  sessionIds: string[];
  createdAt: number;
  cancelledAt: number | null;
  checkedInAt: number | null;
}

export interface RegistrantQuery extends FigureRows {
  passId?: string | undefined;
  sessionId?: string | undefined;
  /** The last row of the page before: its registration time and id. */
  after?: { createdAt: number; id: string } | undefined;
  limit: number;
}

/** Registrations behind a figure in registration order (the waitlist's queue order), `limit + 1` rows. */
export async function pageRegistrants(
  db: Db,
  eventId: string,
  query: RegistrantQuery,
): Promise<RegistrantRow[]> {
  const rows = await db
    .selectFrom('event_registrations as r')
    .leftJoin('contacts as c', 'c.id', 'r.contact_id')
    .select([
      'r.id',
      'r.contact_id',
      'c.email',
      'c.first_name',
      'c.last_name',
      'r.status',
      'r.pass_id',
      'r.created_at',
      'r.cancelled_at',
      'r.checked_in_at',
    ])
    .where('r.event_id', '=', eventId)
    .where('r.status', '=', query.status)
    .$if(query.checkedIn !== undefined, (qb) =>
      qb.where('r.checked_in_at', query.checkedIn ? 'is not' : 'is', null),
    )
    .$if(query.passId !== undefined, (qb) => qb.where('r.pass_id', '=', query.passId!))
    .$if(query.sessionId !== undefined, (qb) =>
      qb.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('event_registration_sessions as s')
            .select('s.session_id')
            .whereRef('s.registration_id', '=', 'r.id')
            .where('s.session_id', '=', query.sessionId!),
        ),
      ),
    )
    .$if(query.after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('r.created_at', '>', query.after!.createdAt),
          eb.and([eb('r.created_at', '=', query.after!.createdAt), eb('r.id', '>', query.after!.id)]),
        ]),
      ),
    )
    .orderBy('r.created_at')
    .orderBy('r.id')
    .limit(query.limit + 1)
    .execute();
  const sessionsOf = await linkedSessions(
    db,
    'event_registration_sessions',
    rows.map((r) => r.id),
  );
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    id: r.id,
    contactId: r.contact_id,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    status: r.status,
    passId: r.pass_id,
    sessionIds: sessionsOf.get(r.id) ?? [],
    createdAt: Number(r.created_at),
    cancelledAt: num(r.cancelled_at),
    checkedInAt: num(r.checked_in_at),
  }));
}
