// What the fuzz suite accepts as an answer: never a 5xx, and every refusal explained in words a person reads.

export interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Text that is not an explanation: a stack trace, a leaked placeholder, an engine's own words. */
const NOT_FOR_PEOPLE: [RegExp, string][] = [
  [/\n\s+at\s/, 'a stack trace'],
  [/node_modules|\.ts:\d+|\.js:\d+:\d+/, 'a source location'],
  [/\bundefined\b/, '"undefined"'],
  [/\[object Object\]/, '"[object Object]"'],
  [/\bNaN\b/, '"NaN"'],
  [
    /SQLITE_|SqliteError|invalid byte sequence|duplicate key value|violates .* constraint/i,
    "the database's words",
  ],
];

function unreadable(text: string, requestText: string): string | undefined {
  // What a message quotes back from the request ("No send with id "undefined"") is the client's own words.
  const ownWords = text.replace(/"[^"]*"|'[^']*'/g, '""');
  return NOT_FOR_PEOPLE.find(([pattern]) => {
    const found = pattern.exec(ownWords)?.[0];
    return found !== undefined && !requestText.includes(found.trim());
  })?.[1];
}

/**
 * The problem with an answer, or null when it is fine. Error answers are JSON `{ error, message }`; pages
 * meant for people (hosted pages, the per-website script) may answer HTML or JavaScript instead.
 */
export function problemWith(
  answer: Answer,
  options: { peopleFacing: boolean; requestText: string; head?: boolean },
): string | null {
  if (answer.statusCode >= 500) return `answered ${answer.statusCode}: ${answer.body.slice(0, 300)}`;
  if (answer.statusCode < 400) return null;
  const type = String(answer.headers['content-type'] ?? '');
  // An answer to HEAD has no body by definition: its words are those of the GET it mirrors.
  if (options.head) return type ? null : `answered ${answer.statusCode} to HEAD with no content type`;
  if (type.startsWith('application/json')) {
    let body: { error?: unknown; message?: unknown };
    try {
      body = JSON.parse(answer.body);
    } catch {
      return `answered ${answer.statusCode} with a body that is not JSON: ${answer.body.slice(0, 200)}`;
    }
    if (typeof body.error !== 'string' || body.error === '')
      return `answered ${answer.statusCode} without an error code`;
    if (typeof body.message !== 'string' || body.message.trim() === '')
      return `answered ${answer.statusCode} without a message`;
    const bad = unreadable(body.message, options.requestText);
    return bad
      ? `answered ${answer.statusCode} with ${bad} in its message: ${body.message.slice(0, 300)}`
      : null;
  }
  if (options.peopleFacing && /^text\/(html|javascript)/.test(type)) {
    if (answer.body.trim() === '') return `answered ${answer.statusCode} with an empty page`;
    const bad = unreadable(answer.body, options.requestText);
    return bad ? `answered ${answer.statusCode} with ${bad} on its page` : null;
  }
  return `answered ${answer.statusCode} with ${type || 'no content type'}: ${answer.body.slice(0, 200)}`;
}
