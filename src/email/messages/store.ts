// Storage for email messages.
import type { Selectable } from 'kysely';
import type { Db, MessagesTable } from '../../storage/schema.ts';
import type { Message, MessageSummary } from './message.ts';

export type MessageRow = Selectable<MessagesTable>;
export type MessageValues = Omit<MessagesTable, 'id' | 'created_at' | 'updated_at'>;

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

export function toMessage(row: MessageRow): Message {
  return { ...toSummary(row), html: row.html, text: row.text };
}

function toSummary(row: Omit<MessageRow, 'html' | 'text'>): MessageSummary {
  return {
    id: row.id,
    name: row.name,
    subject: row.subject,
    fromName: row.from_name,
    fromEmail: row.from_email,
    replyTo: row.reply_to,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function insertMessage(db: Db, id: string, values: MessageValues, now: number): Promise<void> {
  await db
    .insertInto('messages')
    .values({ id, ...values, created_at: now, updated_at: now })
    .execute();
}

export async function updateMessage(db: Db, id: string, values: MessageValues, now: number): Promise<void> {
  await db
    .updateTable('messages')
    .set({ ...values, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function findMessageRow(db: Db, id: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every message without its bodies, newest first. */
export async function listMessageSummaries(db: Db): Promise<MessageSummary[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'name', 'subject', 'from_name', 'from_email', 'reply_to', 'created_at', 'updated_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toSummary);
}

export async function deleteMessageRow(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('messages').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
