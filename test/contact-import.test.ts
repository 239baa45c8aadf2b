// Contact CSV import: counts, per-row reasons, duplicates, custom fields, quoting, bad input, and a
// 100,000-row file streamed through a real server without the server holding it — on SQLite and PostgreSQL.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importContacts } from '../src/contacts/csv-import.ts';
import { IMPORT_BODY_LIMIT } from '../src/contacts/import-routes.ts';
import { countContacts } from '../src/contacts/store.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';

interface Contact {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phone: string | null;
  jobTitle: string | null;
  custom: Record<string, unknown>;
}

describeEachEngine('contact CSV import', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database);
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const importCsv = (csv: string | Buffer, query = '', contentType = 'text/csv') =>
    spoor.app.inject({
      method: 'POST',
      url: `/api/contacts/import${query}`,
      headers: { ...spoor.auth, 'content-type': contentType },
      payload: csv,
    });
  const api = async (method: 'GET' | 'POST', url: string, payload?: object) =>
    spoor.app.inject({ method, url, headers: spoor.auth, ...(payload ? { payload } : {}) });
  /** Every contact whose email, name or company contains the text, by email (one batch shares a creation time). */
  const find = async (text: string): Promise<Contact[]> =>
    (
      (await api('GET', `/api/contacts?limit=500&q=${encodeURIComponent(text)}`)).json().contacts as Contact[]
    ).sort((a, b) => a.email.localeCompare(b.email));

  it('imports good rows, rejects bad ones with their reasons, and merges duplicates', async () => {
    const eve = (
      await api('POST', '/api/contacts', { email: 'Eve@Example.com', firstName: 'Eve', company: 'Old Co' })
    ).json();
    const twinA = (
      await api('POST', '/api/contacts', { email: 'twin@example.com', firstName: 'Older' })
    ).json();
    const twinB = (
      await api('POST', '/api/contacts', { email: 'TWIN@example.com', firstName: 'Newer' })
    ).json();
    const before = await countContacts(spoor.storage.db);

    const csv = [
      'Email Address,First Name,Last Name,Company,Phone',
      'ada@example.com,Ada,Lovelace,Analytical Engines,+44 20 7946 0000', // 1 created
      'not-an-email,Bob,,,call me', // 2 rejected
      ',Carol,,,', // 3 rejected
      'EVE@example.com,,Evans,,', // 4 updates Eve; empty cells clear nothing
      '', // 5 blank: not a row
      'ADA@EXAMPLE.COM,,,Babbage & Co,', // 6 updates the contact row 1 created
      'grace@example.com,Grace,Hopper,,,surplus', // 7 rejected
      'twin@example.com,,Twin,,', // 8 updates the older twin
      ',,,,', // 9 blank
      'linus@example.com,Linus', // 10 created: missing trailing cells are empty
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      rows: 8,
      created: 2,
      updated: 3,
      skipped: 0,
      rejected: 3,
      errors: [
        { row: 2, reason: 'Email Address is not a valid email address; Phone is not a phone number' },
        { row: 3, reason: 'Email Address is required' },
        { row: 7, reason: 'the row has 6 cells but the header has 5' },
      ],
      errorsTruncated: false,
      ignoredColumns: [],
    });
    expect(await countContacts(spoor.storage.db)).toBe(before + 2);

    const [ada] = await find('ada@example.com');
    expect(ada).toMatchObject({
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Babbage & Co',
      phone: '+44 20 7946 0000',
    });
    expect((await api('GET', `/api/contacts/${eve.id}`)).json()).toMatchObject({
      email: 'Eve@example.com', // a matched contact keeps its stored spelling
      firstName: 'Eve',
      lastName: 'Evans',
      company: 'Old Co',
    });
    expect((await api('GET', `/api/contacts/${twinA.id}`)).json()).toMatchObject({
      firstName: 'Older',
      lastName: 'Twin',
    });
    expect((await api('GET', `/api/contacts/${twinB.id}`)).json()).toMatchObject({
      firstName: 'Newer',
      lastName: null,
    });
    expect(await find('Bob')).toEqual([]);
    expect(await find('grace@')).toEqual([]);
  });

  it('skips rows that match a contact with onDuplicate=skip, including repeats within the file', async () => {
    await api('POST', '/api/contacts', { email: 'kept@skip.example', firstName: 'Kept' });
    const csv = 'email,firstName\nkept@skip.example,Changed\nnew@skip.example,New\nNEW@skip.example,Again\n';
    const res = await importCsv(csv, '?onDuplicate=skip');
    expect(res.json()).toMatchObject({
      rows: 3,
      created: 1,
      updated: 0,
      skipped: 2,
      rejected: 0,
      errors: [],
    });
    expect((await find('@skip.example')).map((c) => [c.email, c.firstName])).toEqual([
      ['kept@skip.example', 'Kept'],
      ['new@skip.example', 'New'],
    ]);
    // The same file with the default (update) changes both and creates nothing.
    const again = await importCsv(csv);
    expect(again.json()).toMatchObject({ rows: 3, created: 0, updated: 3, skipped: 0 });
    expect((await find('@skip.example')).map((c) => c.firstName)).toEqual(['Changed', 'Again']);
    expect((await importCsv(csv, '?onDuplicate=merge')).statusCode).toBe(400);
  });

  it('types custom fields and names unknown columns', async () => {
    for (const field of [
      { key: 'employees', label: 'Employees', type: 'number' },
      { key: 'newsletter', label: 'Newsletter', type: 'boolean' },
      { key: 'first_met', label: 'First met', type: 'date' },
    ]) {
      expect((await api('POST', '/api/contact-fields', field)).statusCode).toBe(201);
    }
    const csv = [
      'email,employees,Newsletter,first_met',
      'typed@custom.example,250,yes,2026-02-28',
      'wrong@custom.example,many,maybe,28/02/2026',
      'partial@custom.example,,no,',
    ].join('\r\n');
    const res = await importCsv(csv);
    expect(res.json()).toMatchObject({
      rows: 3,
      created: 2,
      rejected: 1,
      errors: [
        {
          row: 2,
          reason:
            'employees must be a number; Newsletter must be true or false; first_met must be a date like 2026-01-31',
        },
      ],
    });
    expect((await find('@custom.example')).map((c) => [c.email, c.custom])).toEqual([
      ['partial@custom.example', { newsletter: false }],
      ['typed@custom.example', { employees: 250, newsletter: true, first_met: '2026-02-28' }],
    ]);

    const unknown = await importCsv('email,Shoe size,employees,Pet\nx@custom.example,9,1,cat\n');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      error: 'bad_request',
      details: { unknownColumns: ['Shoe size', 'Pet'] },
    });
    expect(unknown.json().message).toContain('Unknown columns: "Shoe size", "Pet".');
    expect(await find('x@custom.example')).toEqual([]);

    const ignored = await importCsv(
      'email,Shoe size,employees,Pet\nx@custom.example,9,1,cat\n',
      '?unknownColumns=ignore',
    );
    expect(ignored.json()).toMatchObject({ rows: 1, created: 1, ignoredColumns: ['Shoe size', 'Pet'] });
    expect((await find('x@custom.example'))[0]?.custom).toEqual({ employees: 1 });
  });

  it('reads quoted cells with commas, quotes and line breaks, CRLF and a byte order mark', async () => {
    expect(
      (await api('POST', '/api/contact-fields', { key: 'notes', label: 'Notes', type: 'text' })).statusCode,
    ).toBe(201);
    const csv =
      '\uFEFF"Email","Company","Job Title",notes\r\n' +
      '"quoted@quote.example","Smith, Jones & Co","The ""Boss""","line one\r\nline two, still notes"\r\n' +
      'plain@quote.example,Plain Ltd,,\r\n';
    const res = await importCsv(Buffer.from(csv, 'utf8'));
    expect(res.json()).toMatchObject({ rows: 2, created: 2, rejected: 0 });
    const [plain, quoted] = await find('@quote.example');
    expect(quoted).toMatchObject({
      email: 'quoted@quote.example',
      company: 'Smith, Jones & Co',
      jobTitle: 'The "Boss"',
      custom: { notes: 'line one\r\nline two, still notes' },
    });
    expect(plain).toMatchObject({ company: 'Plain Ltd', jobTitle: null, custom: {} });
  });

  it('reports malformed rows and undecodable text per row', async () => {
    const csv = [
      'email,company',
      'first@malformed.example,"Fine"',
      'second@malformed.example,"Bad"quote',
      'third@malformed.example,"never closed',
      'swallowed@malformed.example,x',
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.json()).toMatchObject({
      rows: 3,
      created: 1,
      rejected: 2,
      errors: [
        { row: 2, reason: 'a quoted cell has text after its closing quote' },
        { row: 3, reason: 'the file ends inside a quoted cell (a closing quote is missing)' },
      ],
    });
    expect((await find('@malformed.example')).map((c) => c.email)).toEqual(['first@malformed.example']);

    // Latin-1 bytes sent as UTF-8 are rejected per row; declared as windows-1252 they read correctly.
    const latin1 = Buffer.concat([
      Buffer.from('email,firstName\nzoe@charset.example,Zo'),
      Buffer.from([0xeb]),
      Buffer.from('\nplain@charset.example,Plain\n'),
    ]);
    expect((await importCsv(latin1)).json()).toMatchObject({
      created: 1,
      rejected: 1,
      errors: [{ row: 1, reason: 'the row is not valid text in the declared charset (UTF-8 by default)' }],
    });
    expect((await importCsv(latin1, '', 'text/csv; charset=windows-1252')).json()).toMatchObject({
      created: 1,
      updated: 1,
      rejected: 0,
    });
    expect((await find('zoe@charset.example'))[0]?.firstName).toBe('Zoë');
    expect((await importCsv(latin1, '', 'text/csv; charset=klingon')).statusCode).toBe(400);
  });

  it('lists the first 1,000 rejected rows and counts them all', async () => {
    const bad = Array.from({ length: 1100 }, (_, i) => `bad-${i}`);
    const res = await importCsv(['email', ...bad, 'good@cap.example'].join('\n'));
    const body = res.json();
    expect(body).toMatchObject({ rows: 1101, created: 1, rejected: 1100, errorsTruncated: true });
    expect(body.errors).toHaveLength(1000);
    expect(body.errors[999]).toEqual({ row: 1000, reason: 'email is not a valid email address' });
  });

  it('creates each contact once when two imports of the same addresses run at the same time', async () => {
    const csv = [
      'email,company',
      ...Array.from({ length: 1500 }, (_, i) => `p${i}@parallel.example,Co ${i}`),
    ].join('\n');
    const [a, b] = (await Promise.all([importCsv(csv), importCsv(csv)])).map((res) => res.json());
    expect(a.created + b.created).toBe(1500);
    expect(a.updated + b.updated).toBe(1500);
    const db = spoor.storage.db;
    const stored = await db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('email_match', 'like', '%@parallel.example')
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(1500);
  });

  it('stops at the byte limit mid-stream, keeping and reporting the rows before it', async () => {
    const chunks = ['email\n', 'one@limit.example\ntwo@limit.example\n', 'three@limit.example\n'];
    const attempt = importContacts(spoor.storage, Readable.from(chunks), [], {
      onDuplicate: 'update',
      unknownColumns: 'refuse',
      maxBytes: 50,
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'payload_too_large',
      details: { imported: { rows: 2, created: 2 } },
    });
    expect((await find('@limit.example')).map((c) => c.email)).toEqual([
      'one@limit.example',
      'two@limit.example',
    ]);
  });

  it('refuses bodies it cannot import with a clear status', async () => {
    const empty = await importCsv('');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toMatch(/empty/);
    expect(
      (await spoor.app.inject({ method: 'POST', url: '/api/contacts/import', headers: spoor.auth }))
        .statusCode,
    ).toBe(400);
    expect((await importCsv('\n\n')).statusCode).toBe(400);
    expect((await importCsv('first name,company\nAda,X\n')).json()).toMatchObject({
      error: 'bad_request',
      message: 'The CSV has no email column; contacts are matched by email.',
    });
    expect((await importCsv('email\n')).json()).toMatchObject({ rows: 0, created: 0 });
    expect((await importCsv('{"email":"a@b.example"}', '', 'application/json')).statusCode).toBe(415);
    expect((await importCsv('email\na@b.example', '', 'text/plain')).statusCode).toBe(415);
    const anonymous = await spoor.app.inject({
      method: 'POST',
      url: '/api/contacts/import',
      headers: { 'content-type': 'text/csv' },
      payload: 'email\nsneaky@b.example\n',
    });
    expect(anonymous.statusCode).toBe(401);
    expect(await find('sneaky@')).toEqual([]);
  });
});

// A real listening server and a real HTTP client, so the body arrives in network-sized chunks.
describeEachEngine('contact CSV import at scale', (engine) => {
  const ROWS = 100_000;
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let origin: string;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database);
    await spoor.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(spoor.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const row = (i: number) =>
    `bulk${i}@bulk.example,First${i},Last${i},Company ${i % 997},+1 555 ${String(i).padStart(7, '0')},Account manager ${i % 13},Country ${i % 50}\n`;
  const HEADER = 'email,first name,last name,company,phone,job title,country\n';

  /** Generates the file lazily, 1,000 rows per chunk. */
  function* csvChunks(rows: number) {
    yield HEADER;
    for (let start = 0; start < rows; start += 1000) {
      let chunk = '';
      for (let i = start; i < Math.min(rows, start + 1000); i++) chunk += row(i);
      yield chunk;
    }
  }

  function post(body: Readable): Promise<{ status: number; json: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `${origin}/api/contacts/import`,
        { method: 'POST', headers: { ...spoor.auth, 'content-type': 'text/csv' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      body.pipe(req);
    });
  }

  // A hang guard, not a speed check: each contact now also writes its `contact.created` outbox entry
  // (decision 037), and CI runs this beside other suites on two cores (105 s measured on a loaded
  // machine for PostgreSQL, past 180 s once in CI).
  it(`streams ${ROWS.toLocaleString('en')} rows without holding the file`, { timeout: 360_000 }, async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // What the server holds: JS heap plus Buffers (the body arrives as Buffers, outside the JS heap).
    const live = () => {
      gc();
      const { heapUsed, arrayBuffers } = process.memoryUsage();
      return heapUsed + arrayBuffers;
    };

    // Warm up the route so compiled code and caches are in the baseline.
    expect((await post(Readable.from(csvChunks(2000)))).json).toMatchObject({ created: 2000 });
    await spoor.storage.db.deleteFrom('contacts').execute();

    let fileBytes = 0;
    for (let i = 0; i < ROWS; i++) fileBytes += Buffer.byteLength(row(i));
    fileBytes += HEADER.length;
    const baseline = live();
    // Sampled all along (the server shares this process), so a server that held the body would show it.
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, live());
    }, 250);
    const started = performance.now();
    const res = await post(Readable.from(csvChunks(ROWS))).finally(() => clearInterval(sampler));
    const seconds = (performance.now() - started) / 1000;
    const after = live();

    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      rows: ROWS,
      created: ROWS,
      updated: 0,
      skipped: 0,
      rejected: 0,
      errors: [],
      errorsTruncated: false,
      ignoredColumns: [],
    });
    expect(await countContacts(spoor.storage.db)).toBe(ROWS);
    const last = (
      await spoor.app.inject({ method: 'GET', url: `/api/contacts?q=bulk${ROWS - 1}@`, headers: spoor.auth })
    ).json().contacts;
    expect(last).toMatchObject([{ firstName: `First${ROWS - 1}`, country: `Country ${(ROWS - 1) % 50}` }]);

    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
    console.info(
      `[${engine}] ${ROWS} rows, ${mb(fileBytes)} in ${seconds.toFixed(1)} s; server heap+buffers: ` +
        `baseline ${mb(baseline)}, peak during import +${mb(peak - baseline)}, after +${mb(after - baseline)}`,
    );
    expect(fileBytes).toBeGreaterThan(9 * 1048576);
    // A server that held the body would hold at least its bytes (as Buffers or one-byte strings). What a
    // streaming import holds is the batches in flight: 1–5 MB seen on Node 20, up to 7.3 MB on Node 24's
    // PostgreSQL run, whose import goes faster and so has more rows between the parser and the database.
    expect(peak - baseline).toBeLessThan(fileBytes);
    expect(after - baseline).toBeLessThan(fileBytes / 2);
  });

  it('answers a bad header at once, without reading the rest of a large body', async () => {
    function* badFile() {
      yield 'email,Shoe size\n';
      for (let i = 0; i < 100; i++) yield `x${i}@bad.example,9\n`.repeat(1000);
    }
    const res = await post(Readable.from(badFile()));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'bad_request', details: { unknownColumns: ['Shoe size'] } });
  });

  it('answers 413 at once to a body declared larger than the limit', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${origin}/api/contacts/import`, {
        method: 'POST',
        headers: { ...spoor.auth, 'content-type': 'text/csv', 'content-length': IMPORT_BODY_LIMIT + 1 },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      req.write('email\n'); // and never the rest
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'payload_too_large' });
  });
});
