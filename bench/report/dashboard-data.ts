// The rest of what the dashboard shows, added beside the report's page views with set-based SQL (seconds,
// not the hours a million sends through SMTP would take): contacts, one list holding all of them, a form
// with its submissions and daily counters, and one finished send to every contact with its recipient rows,
// email events, engagement tallies and counters, each as the real writers would leave them. Some of the
// page-view data set's visitors are linked to contacts, so timelines and "visited since" have visits.
// Cached in the same database under its own marker; bump DASHBOARD_DATA_VERSION when this changes.
import { type Kysely, sql } from 'kysely';
import { createMessage } from '../../src/email/messages/manage-messages.ts';
import { defineForm } from '../../src/forms/manage-forms.ts';
import { createList } from '../../src/lists/manage-lists.ts';
import type { Engine } from '../../src/storage/database.ts';
import type { Database } from '../../src/storage/schema.ts';

const MARKER_KEY = 'bench_dashboard_data';
const DASHBOARD_DATA_VERSION = 1;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Share of recipients (by position) per fate, as a send to a real list might end. */
const LINKS = [
  'https://www.shop.example/spring',
  'https://www.shop.example/sale',
  'https://www.shop.example/new',
  'https://www.shop.example/blog/tips',
  'https://www.shop.example/account',
];

export interface DashboardData {
  version: number;
  recipients: number;
  listId: string;
  formId: string;
  messageId: string;
  sendId: string;
  /** Visitors of the page-view data set now linked to a contact (and their visits identified). */
  linkedVisitors: number;
  submissions: number;
  emailEvents: number;
  /** A contact with visits, submissions and email events: the timeline the bench reads. */
  timelineContactId: string;
  /** A small company domain (for the per-domain contacts figure) and the largest one. */
  smallDomain: string;
  seconds: number;
}

type Db = Kysely<Database>;

async function readMarker(db: Db, recipients: number): Promise<DashboardData | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', MARKER_KEY)
    .executeTakeFirst();
  if (!row) return undefined;
  const data = JSON.parse(row.value) as DashboardData;
  return data.version === DASHBOARD_DATA_VERSION && data.recipients === recipients ? data : undefined;
}

/** Engine-specific pieces of the generating SQL. */
function dialect(engine: Engine) {
  return engine === 'sqlite'
    ? {
        series: (n: number) =>
          `with recursive series(i) as (select 1 union all select i + 1 from series where i < ${n})`,
        randomId: 'lower(hex(randomblob(11)))',
        domainOf: (column: string) => `substr(${column}, instr(${column}, '@') + 1)`,
        dayOf: (ms: string) => `strftime('%Y-%m-%d', ${ms} / 1000, 'unixepoch')`,
      }
    : {
        series: (n: number) => `with series(i) as (select generate_series(1, ${n})::bigint)`,
        randomId: 'substr(md5(random()::text || clock_timestamp()::text), 1, 22)',
        domainOf: (column: string) => `split_part(${column}, '@', 2)`,
        dayOf: (ms: string) => `to_char(to_timestamp(${ms} / 1000) at time zone 'UTC', 'YYYY-MM-DD')`,
      };
}

async function run(db: Db, label: string, statement: string): Promise<void> {
  const t = performance.now();
  await sql.raw(statement).execute(db);
  console.log(`    ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/**
 * Adds the dashboard's data for `recipients` contacts (once; later runs find the marker). The send is
 * created inside the page-view period (`fromDay`..`toDay`) so the overview counts it.
 */
export async function ensureDashboardData(
  db: Db,
  engine: Engine,
  options: { recipients: number; websiteId: string; fromDay: string; toDay: string },
): Promise<{ data: DashboardData; generatedNow: boolean }> {
  const cached = await readMarker(db, options.recipients);
  if (cached) {
    console.log(
      `  reusing the cached dashboard data (${cached.recipients.toLocaleString('en-US')} recipients)`,
    );
    return { data: cached, generatedNow: false };
  }
  const existing = await db
    .selectFrom('settings')
    .select('key')
    .where('key', '=', MARKER_KEY)
    .executeTakeFirst();
  if (existing)
    throw new Error(
      `The cached report database has dashboard data of another size or version: delete it (bench/.tmp) or use its BENCH_DASHBOARD_RECIPIENTS.`,
    );
  const started = performance.now();
  const n = options.recipients;
  const d = dialect(engine);
  const from = Date.parse(`${options.fromDay}T00:00:00Z`);
  const to = Date.parse(`${options.toDay}T00:00:00Z`) + DAY;
  const sendAt = to - 6 * DAY + 9 * HOUR;
  console.log(
    `  adding the dashboard data: ${n.toLocaleString('en-US')} contacts, a list, a form, a send to all`,
  );

  const list = await createList(db, { name: 'Everyone (bench)', description: null } as never);
  const form = await defineForm(db, {
    name: 'Newsletter sign-up (bench)',
    websiteId: options.websiteId,
    fields: [
      { key: 'email', type: 'email', label: 'Email', required: true },
      { key: 'firstName', type: 'text', label: 'First name' },
    ],
  } as never);
  const message = await createMessage(db, {
    name: 'Spring sale (bench)',
    subject: 'Spring sale',
    html: LINKS.map((url) => `<p><a href="${url}">${url}</a></p>`).join(''),
  });
  const sendId = `bench_send_${n}`;

  // People: position i (1..n) and a random contact id; every later statement derives facts from i.
  await run(db, 'people', 'create table bench_people (i bigint primary key, id text not null)');
  await run(
    db,
    'people ids',
    `insert into bench_people (i, id) ${d.series(n)} select i, ${d.randomId} from series`,
  );
  const domain = `case when p.i % 100 < 30 then 'gmail.com' when p.i % 100 < 45 then 'outlook.com'
    when p.i % 100 < 55 then 'yahoo.com' when p.i % 100 < 60 then 'icloud.com' when p.i % 100 < 65 then 'gmx.de'
    else 'company' || (p.i % 5000) || '.example' end`;
  const first = `(case p.i % 8 when 0 then 'Ann' when 1 then 'Ben' when 2 then 'Chloé' when 3 then 'David'
    when 4 then 'Emma' when 5 then 'Farid' when 6 then 'Grace' else 'Hiro' end)`;
  const last = `(case p.i % 7 when 0 then 'Smith' when 1 then 'Müller' when 2 then 'Dubois' when 3 then 'Rossi'
    when 4 then 'Nguyen' when 5 then 'Kowalski' else 'Tanaka' end) || (p.i % 100)`;
  await run(
    db,
    'contacts',
    `insert into contacts (id, email, email_match, first_name, last_name, company, phone, job_title, country, custom,
       prefill_allowed, email_tracking, do_not_email, created_at, updated_at)
     select p.id, 'person' || p.i || '@' || ${domain}, 'person' || p.i || '@' || ${domain}, ${first}, ${last},
       case when p.i % 3 = 0 then 'Company ' || (p.i % 5000) else null end, null, null, null, '{}', 0, null,
       case when p.i % 500 = 1 then 1 else 0 end,
       ${from} + (p.i * ${to - from - 1}) / ${n}, ${from} + (p.i * ${to - from - 1}) / ${n}
     from bench_people p`,
  );
  await run(
    db,
    'list members',
    `insert into list_members (list_id, contact_id, status, source, added_at, unsubscribed_at, unsubscribed_send_id)
     select '${list.id}', p.id, case when p.i % 100 = 7 then 'unsubscribed' else 'subscribed' end, 'import', ${from},
       case when p.i % 100 = 7 then ${from + DAY} else null end, null
     from bench_people p`,
  );

  // The send: done, to the list; its recipients' fates by position.
  await sql`insert into sends (id, message_id, list_ids, status, subject, html, text, from_name, from_email, reply_to,
      created_at, prepared_at, finished_at, recipients_total, duplicates, lease_owner, lease_until)
    values (${sendId}, ${message.id}, ${JSON.stringify([list.id])}, 'done', 'Spring sale', '<p>bench</p>', null, null,
      null, null, ${sendAt}, ${sendAt + 60_000}, ${sendAt + HOUR}, ${n}, 0, null, null)`.execute(db);
  for (const [position, url] of [...LINKS, 'https://www.shop.example/__hp'].entries())
    await db
      .insertInto('send_links')
      .values({ send_id: sendId, position, url, honeypot: position === LINKS.length ? 1 : 0 })
      .execute();
  const status = `case when p.i % 100 = 7 or p.i % 500 = 1 then 'blocked' when p.i % 100 in (11, 12) then 'hard_bounce'
    when p.i % 200 = 13 then 'soft_bounce' else 'sent' end`;
  const sentAt = `${sendAt + 60_000} + (p.i * ${HOUR - 120_000}) / ${n}`;
  await run(
    db,
    'send recipients',
    `insert into send_recipients (send_id, contact_id, email, status, block_reason, attempts, next_attempt_at,
       last_response, sent_at, smtp_message_id)
     select '${sendId}', p.id, 'person' || p.i || '@' || ${domain}, ${status},
       case when p.i % 100 = 7 then 'unsubscribed' when p.i % 500 = 1 then 'do_not_email' else null end,
       case when ${status} = 'blocked' then 0 else 1 end, 0, null,
       case when ${status} = 'blocked' then null else ${sentAt} end, null
     from bench_people p`,
  );

  // Email events (as the engagement writer stores them): human opens (a quarter, an eighth twice), machine
  // opens, human clicks on one of the links, a scanner on the hidden link, unsubscribes. One in 40 human
  // openers has no tracking consent: counted, named to no one.
  const delivered = `(p.i % 100 <> 7 and p.i % 500 <> 1 and p.i % 100 not in (11, 12) and p.i % 200 <> 13)`;
  const contact = `case when p.i % 40 = 20 then null else p.id end`;
  const event = (kind: string, suffix: string, where: string, at: string, machine: number, link: string) =>
    `insert into email_events (id, send_id, contact_id, recipient_key, kind, link_position, occurred_at, machine,
       machine_reason, implied, source_hash, user_agent)
     select 'bev${suffix}' || p.i, '${sendId}', ${machine ? 'null' : contact}, 'k' || p.i, '${kind}', ${link},
       ${sentAt} + ${at}, ${machine}, ${machine ? "'prefetch'" : 'null'}, 0, null, null
     from bench_people p where ${delivered} and ${where}`;
  await run(db, 'human opens', event('open', 'o', 'p.i % 4 = 0', `(p.i % 47) * ${HOUR} + 600000`, 0, 'null'));
  await run(
    db,
    'second opens',
    event('open', 'r', 'p.i % 8 = 0', `(p.i % 47) * ${HOUR} + 7200000`, 0, 'null'),
  );
  await run(db, 'machine opens', event('open', 'm', 'p.i % 10 = 5', '30000', 1, 'null'));
  await run(
    db,
    'human clicks',
    event('click', 'c', 'p.i % 20 = 0', `(p.i % 47) * ${HOUR} + 660000`, 0, '(p.i / 20) % 5'),
  );
  await run(db, 'scanner clicks', event('click', 's', 'p.i % 50 = 5', '31000', 1, String(LINKS.length)));
  await run(
    db,
    'unsubscribes',
    event('unsubscribe', 'u', 'p.i % 1000 = 0', `(p.i % 47) * ${HOUR} + 700000`, 0, 'null'),
  );

  // Engagement tallies per recipient and scope, and the send's counters, from what was stored.
  const engagement = (scope: string, where: string) =>
    `insert into send_engagement (send_id, recipient_key, scope, human, machine)
     select send_id, recipient_key, ${scope}, sum(1 - machine), sum(machine) from email_events
     where send_id = '${sendId}' and ${where} group by send_id, recipient_key${scope.startsWith("'") ? '' : ', link_position'}`;
  await run(db, 'engagement: open', engagement("'open'", "kind = 'open'"));
  await run(db, 'engagement: click', engagement("'click'", "kind = 'click'"));
  await run(db, 'engagement: links', engagement("'link:' || link_position", "kind = 'click'"));
  await run(db, 'engagement: unsubscribe', engagement("'unsubscribe'", "kind = 'unsubscribe'"));
  const counters = (select: string) =>
    `insert into send_counters (send_id, name, value) select '${sendId}', name, value from (${select}) c where value <> 0`;
  await run(
    db,
    'counters: delivery',
    counters(`select 'recipients' as name, count(*) as value from send_recipients where send_id = '${sendId}'
      union all select 'blocked:' || block_reason, count(*) from send_recipients where send_id = '${sendId}' and status = 'blocked' group by block_reason
      union all select 'sent', count(*) from send_recipients where send_id = '${sendId}' and status in ('sent', 'hard_bounce', 'soft_bounce')
      union all select 'accepted', count(*) from send_recipients where send_id = '${sendId}' and status = 'sent'
      union all select status, count(*) from send_recipients where send_id = '${sendId}' and status in ('hard_bounce', 'soft_bounce') group by status`),
  );
  const who = `case when machine = 1 then 'machine' else 'human' end`;
  await run(
    db,
    'counters: engagement',
    counters(`select kind || ':' || ${who} as name, count(*) as value from email_events where send_id = '${sendId}' and kind in ('open', 'click') group by kind, machine
      union all select 'unique_' || kind || ':' || ${who}, count(distinct recipient_key) from email_events where send_id = '${sendId}' and kind in ('open', 'click') group by kind, machine
      union all select 'link:' || link_position || ':click:' || ${who}, count(*) from email_events where send_id = '${sendId}' and kind = 'click' group by link_position, machine
      union all select 'link:' || link_position || ':unique_click:' || ${who}, count(distinct recipient_key) from email_events where send_id = '${sendId}' and kind = 'click' group by link_position, machine
      union all select 'unsubscribe', count(*) from email_events where send_id = '${sendId}' and kind = 'unsubscribe'
      union all select 'at:' || (occurred_at / ${HOUR}) || ':' || kind || ':' || ${who}, count(*) from email_events where send_id = '${sendId}' and kind in ('open', 'click') group by occurred_at / ${HOUR}, kind, machine`),
  );
  const dom = d.domainOf('r.email');
  await run(
    db,
    'counters: per domain',
    counters(`select 'domain:' || ${dom} || ':recipients' as name, count(*) as value from send_recipients r where r.send_id = '${sendId}' group by ${dom}
      union all select 'domain:' || ${dom} || ':blocked', count(*) from send_recipients r where r.send_id = '${sendId}' and r.status = 'blocked' group by ${dom}
      union all select 'domain:' || ${dom} || ':sent', count(*) from send_recipients r where r.send_id = '${sendId}' and r.status in ('sent', 'hard_bounce', 'soft_bounce') group by ${dom}
      union all select 'domain:' || ${dom} || ':' || r.status, count(*) from send_recipients r where r.send_id = '${sendId}' and r.status in ('hard_bounce', 'soft_bounce') group by ${dom}, r.status
      union all select 'domain:' || ${dom} || ':unique_' || e.kind || ':human', count(distinct e.recipient_key)
        from email_events e join bench_people p on 'k' || p.i = e.recipient_key join send_recipients r on r.send_id = e.send_id and r.contact_id = p.id
        where e.send_id = '${sendId}' and e.machine = 0 and e.kind in ('open', 'click') group by ${dom}, e.kind`),
  );

  // Form submissions: one for every tenth contact, spread over the period, with the daily counters.
  const submissions = Math.floor(n / 10);
  await run(
    db,
    'form submissions',
    `insert into form_submissions (id, form_id, submission_key, received_at, status, payload, visitor_id, anonymous,
       contact_id, outcome, error)
     select 'bfs' || p.i, '${form.id}', 'bsk' || p.i, ${from} + (p.i * ${to - from - 1}) / ${n}, 'processed',
       '{"values":{"email":"person' || p.i || '@example.com"},"consents":{}}', null, 0, p.id,
       case when p.i % 3 = 0 then 'updated' else 'created' end, null
     from bench_people p where p.i % 10 = 0`,
  );
  await run(
    db,
    'form daily counts',
    `insert into form_daily_counts (form_id, day, views, submissions, created, updated)
     select form_id, ${d.dayOf('received_at')}, 12 * count(*), count(*),
       sum(case when outcome = 'created' then 1 else 0 end), sum(case when outcome = 'updated' then 1 else 0 end)
     from form_submissions where form_id = '${form.id}' group by form_id, ${d.dayOf('received_at')}`,
  );

  // A fifth of the page-view data set's visitors become contacts' browsers (as a form or a click links
  // them), their visits identified: contact timelines and "visited since" read these.
  const linked = Math.min(n, 200_000);
  await run(
    db,
    'visitor links',
    'create table bench_links (visitor_id text primary key, contact_id text not null)',
  );
  await run(
    db,
    'visitor links',
    `insert into bench_links (visitor_id, contact_id)
     select v.visitor_id, p.id from (select id as visitor_id, row_number() over (order by id) as rn from visitors) v
     join bench_people p on p.i = v.rn where v.rn <= ${linked}`,
  );
  await run(
    db,
    'visitors → contacts',
    `update visitors set contact_id = (select l.contact_id from bench_links l where l.visitor_id = visitors.id)
     where id in (select visitor_id from bench_links)`,
  );
  await run(
    db,
    'visits identified',
    `update visits set contact_id = (select l.contact_id from bench_links l where l.visitor_id = visits.visitor_id),
       identified = 1 where visitor_id in (select visitor_id from bench_links)`,
  );

  // The timeline to read: the linked contact with the most visits among those who also opened and submitted.
  const timeline = await sql<{ contact_id: string }>`select v.contact_id from visits v
    join bench_people p on p.id = v.contact_id
    where v.contact_id is not null and p.i % 40 = 0
    group by v.contact_id order by count(*) desc limit 1`.execute(db);
  const counts = await sql<{
    n: number;
  }>`select count(*) as n from email_events where send_id = ${sendId}`.execute(db);
  await run(db, 'drop helpers', 'drop table bench_links');
  await run(db, 'drop helpers', 'drop table bench_people');
  // PostgreSQL's autovacuum would analyze the new rows; Spoor never runs ANALYZE on SQLite (no sqlite_stat1).
  if (engine === 'postgres') await run(db, 'analyze', 'analyze');

  const data: DashboardData = {
    version: DASHBOARD_DATA_VERSION,
    recipients: n,
    listId: list.id,
    formId: form.id,
    messageId: message.id,
    sendId,
    linkedVisitors: linked,
    submissions,
    emailEvents: Number(counts.rows[0]?.n ?? 0),
    timelineContactId: timeline.rows[0]?.contact_id ?? '',
    smallDomain: 'company4321.example',
    seconds: (performance.now() - started) / 1000,
  };
  await db
    .insertInto('settings')
    .values({ key: MARKER_KEY, value: JSON.stringify(data) })
    .execute();
  console.log(`  dashboard data added in ${data.seconds.toFixed(0)} s`);
  return { data, generatedNow: true };
}
