// Whether a message to a return path is an auto-reply (out of office, vacation) or a challenge (a
// sender-verification system asking a person to confirm): counted apart, never a bounce. Pure; tested
// with tables. Called only for mail that is neither a delivery report nor a complaint report: an MTA's
// DSN carries "Auto-Submitted: auto-replied" too.

export type AutoReplyKind = 'auto-reply' | 'challenge-response';

export const CHALLENGE_HEADERS = [
  'x-boxtrapper',
  'x-bluebottle-request',
  'x-challengeresponse',
  'x-spamarrest',
];
const CHALLENGE_SUBJECT =
  /please confirm|confirm (?:that )?you|verify (?:that )?you|verification required|sender verification|challenge|awaiting your confirmation|approval (?:needed|required)/i;
const AUTO_SUBJECT =
  /^\s*(?:auto(?:matic)?[ -]?(?:reply|response|antwort)|autoreply|out of (?:the )?office|away from (?:the |my )?office|on vacation|vacation|abwesenheit|réponse automatique|risposta automatica|respuesta automática)\b|^\s*auto:/i;

/** `headers`: lower-cased names to values. */
export function autoReplyKindOf(headers: ReadonlyMap<string, string>, subject: string): AutoReplyKind | null {
  if (CHALLENGE_HEADERS.some((name) => headers.has(name))) return 'challenge-response';
  if (/tmda/i.test(headers.get('x-delivery-agent') ?? '')) return 'challenge-response';
  const submitted = (headers.get('auto-submitted') ?? '').trim().toLowerCase();
  const automatic =
    (submitted !== '' && !submitted.startsWith('no')) ||
    headers.has('x-autoreply') ||
    headers.has('x-autorespond') ||
    /auto[_-]?reply/i.test(headers.get('precedence') ?? '');
  // A challenge asks the sender to confirm; trusted with an automatic marker or the systems' own words.
  if (CHALLENGE_SUBJECT.test(subject) && (automatic || /sender verification|challenge/i.test(subject)))
    return 'challenge-response';
  if (automatic || AUTO_SUBJECT.test(subject)) return 'auto-reply';
  return null;
}
