// An email message as the API shows it: a template (subject, HTML, optional text) and its sender.

export interface Message {
  id: string;
  name: string;
  /** Liquid template; rendered to one line. */
  subject: string;
  /** Liquid template; merge values are HTML-escaped. */
  html: string;
  /** Plain-text template; null = made from the HTML for each email. */
  text: string | null;
  /** null = the install's sender (SPOOR_EMAIL_FROM). */
  fromName: string | null;
  fromEmail: string | null;
  replyTo: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A message in a listing: everything but the bodies. */
export type MessageSummary = Omit<Message, 'html' | 'text'>;

export interface MessageInput {
  name: string;
  subject: string;
  html: string;
  text?: string | null;
  fromName?: string | null;
  fromEmail?: string | null;
  replyTo?: string | null;
}
