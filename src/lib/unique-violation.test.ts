import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { conflictOf, uniqueViolationColumns } from './unique-violation.ts';

/** A real better-sqlite3 error for a statement run against a table with a unique column and a primary key. */
function sqliteError(statement: string): unknown {
  const db = new Database(':memory:');
  db.exec(
    "create table forms (id text primary key, page_slug text unique); insert into forms values ('a', 's')",
  );
  try {
    db.exec(statement);
  } catch (error) {
    return error;
  } finally {
    db.close();
  }
  throw new Error(`no error from ${statement}`);
}

describe('uniqueViolationColumns', () => {
  it.each([
    ['SQLite unique column', sqliteError("insert into forms values ('b', 's')"), ['page_slug']],
    ['SQLite primary key', sqliteError("insert into forms values ('a', 't')"), ['id']],
    [
      'PostgreSQL 23505',
      { code: '23505', detail: 'Key (page_slug)=(spring) already exists.', message: 'duplicate key value' },
      ['page_slug'],
    ],
    [
      'PostgreSQL composite key',
      { code: '23505', detail: 'Key (list_id, contact_id)=(a, b) already exists.' },
      ['list_id', 'contact_id'],
    ],
    ['PostgreSQL without detail', { code: '23505' }, []],
    [
      'SQLite other constraint',
      sqliteError(
        "insert into forms values (null, 'x'); create table t (x text not null); insert into t values (null)",
      ),
      null,
    ],
    ['PostgreSQL other error', { code: '22P02', message: 'invalid input syntax' }, null],
    ['plain Error', new Error('UNIQUE constraint failed: forms.page_slug'), null],
    ['not an object', 'boom', null],
    ['null', null, null],
  ])('%s', (_name, error, columns) => {
    expect(uniqueViolationColumns(error)).toEqual(columns);
  });
});

describe('conflictOf', () => {
  it('names the columns in words and leaves the value out', () => {
    const conflict = conflictOf({ code: '23505', detail: 'Key (page_slug)=(secret-value) already exists.' });
    expect(conflict?.code).toBe('conflict');
    expect(conflict?.message).toMatch(/^Another record already has this page slug/);
    expect(conflict?.message).not.toContain('secret-value');
  });

  it('is null for anything else', () => {
    expect(conflictOf(new Error('boom'))).toBeNull();
  });
});
