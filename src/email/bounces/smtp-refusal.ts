// Whose fault an SMTP refusal is, from its reply code and text: only a refusal of the address itself
// may put the address on the suppression list. Pure; tested with real servers' wording.
//
// The enhanced status code (RFC 3463, `class.subject.detail`, e.g. `5.1.1`) decides when the server
// sends a specific one. Without it, or with an "other/undefined" one (`5.0.0`, `5.1.0`, …), the words
// decide, and words that speak of policy win over words that speak of the address: a wrong "not
// theirs" only costs a retry, a wrong "address" suppresses a person for good.

/**
 * - `address`: the address does not work (no such mailbox, bad domain or syntax): a hard bounce.
 * - `temporary`: try again later (every `4xx`, a full mailbox, a `5xx` nobody can read): soft.
 * - `not_recipient`: refused for the sender, the relay, the content, security or a system problem;
 *   nothing is wrong with the address. Never suppressed; many in a row pause the send.
 */
export type RefusalClass = 'address' | 'temporary' | 'not_recipient';

export interface EnhancedStatus {
  class: number;
  subject: number;
  detail: number;
}

// Right after the reply code ("550 5.1.1 …", "550-5.1.1 …"), else anywhere in the text but not part
// of a longer dotted number (an IP address such as 5.1.1.4 is not a status code).
const LEADING_STATUS = /^\s*\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/;
const ANY_STATUS = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/;

export function enhancedStatusOf(text: string): EnhancedStatus | null {
  const match = LEADING_STATUS.exec(text) ?? ANY_STATUS.exec(text);
  if (!match) return null;
  return { class: Number(match[1]), subject: Number(match[2]), detail: Number(match[3]) };
}

/** About the sending address, whatever the code says (Postfix, Exim, Exchange wording). */
const ABOUT_SENDER =
  /\bsender\b|sender's|envelope from|from address|mail from|not owned by user|sending (?:quota|limit)|\bsend as\b/i;

/** Policy, reputation, content, authentication, relaying, size: not about the address. */
const NOT_ABOUT_ADDRESS =
  /relay|denied|spam|polic(?:y|ies)|block|blacklist|blocklist|black list|listed|reputation|content|virus|malware|phish|authenticat|\bauth\b|spf\b|dkim|dmarc|reverse dns|\bptr\b|rdns|not authori[sz]ed|not permitted|not allowed|prohibit|banned|\brbl\b|spamhaus|too (?:large|big)|size (?:limit|exceed)|exceeds? .{0,30}(?:size|limit)|message size|starttls|\btls\b|encrypt|\bhelo\b|\behlo\b|rate limit|too many (?:connections|messages|recipients)|unsolicited|bulk mail|suspicious|not accepted from|client host|access (?:is )?(?:denied|restricted)|refused/i;

/**
 * Words that outweigh even an address code: a server that says "5.1.1 … Relay access denied" is
 * refusing Spoor, whatever code it chose, and suppressing on its word would be for good.
 */
const PLAINLY_POLICY =
  /relay|spam|polic(?:y|ies)|block|blacklist|denied|reputation|authenticat|not authori[sz]ed|prohibit|banned|spamhaus|dmarc|\bspf\b|dkim/i;

/** The mailbox is full: wait, it may be emptied. */
const MAILBOX_FULL =
  /mailbox (?:is )?full|over ?quota|quota (?:exceeded|full)|exceeded (?:storage|the storage|quota)|insufficient (?:system )?storage|storage (?:allocation|limit)|out of storage|not enough space/i;

/** The mailbox or domain does not exist, or the address cannot be used as written. */
const ADDRESS_PROBLEM =
  /user unknown|unknown user|no such (?:user|mailbox|recipient|address|account|person|domain)|(?:mailbox|recipient|user|account|address|domain) (?:\S+ )?(?:does ?n[o']t exist|not found|is unknown|unknown|unavailable|is unavailable|invalid|is invalid|not valid|is not valid|disabled|is disabled|has been disabled|inactive|is inactive|no longer (?:exists|active|available))|does ?n[o']t exist|not exist|invalid (?:recipient|mailbox|address|user)|unknown (?:recipient|mailbox|local[- ]part|address)|no mailbox|unrouteable address|unroutable address|bad destination|address (?:not found|unknown)|doesn't have an? .{0,30}account|not a valid (?:mailbox|recipient|user|address)|no such|mailbox unavailable|undeliverable address/i;

/** What a 5xx's words say, or null when they say nothing recognisable. */
function classByText(text: string): RefusalClass | null {
  if (ABOUT_SENDER.test(text) || NOT_ABOUT_ADDRESS.test(text)) return 'not_recipient';
  if (MAILBOX_FULL.test(text)) return 'temporary';
  if (ADDRESS_PROBLEM.test(text)) return 'address';
  return null;
}

/**
 * Whose fault the refusal `code` + `text` (the whole reply, e.g. "550 5.1.1 <a@b>: User unknown")
 * is, for a reply to RCPT TO or to the message.
 */
export function classifyRefusal(code: number, text: string): RefusalClass {
  // Every 4xx is temporary, whatever it says: the server itself says trying again may work.
  if (code < 500) return 'temporary';
  // A sending address refused is never the recipient's, even under an address code (5.1.x).
  if (ABOUT_SENDER.test(text)) return 'not_recipient';
  const status = enhancedStatusOf(text);
  // "550 4.2.2": the two codes disagree; the milder one is taken, as nothing can be undone later.
  if (status && status.class !== 5) return 'temporary';
  const byText = () => classByText(text);
  if (!status) return byText() ?? 'temporary';
  const { subject, detail } = status;
  switch (subject) {
    case 1:
      // 5.1.1 bad mailbox, 5.1.2 bad domain, 5.1.3 bad syntax, 5.1.4 ambiguous, 5.1.6 moved with no
      // forwarding address, 5.1.10 null MX (RFC 7505): the address cannot be delivered as written.
      if ([1, 2, 3, 4, 6, 10].includes(detail))
        return PLAINLY_POLICY.test(text) ? 'not_recipient' : 'address';
      // 5.1.7 and 5.1.8: the *sender's* address is bad.
      if (detail === 7 || detail === 8) return 'not_recipient';
      // 5.1.0 "other address status" and the rest: the words decide.
      return byText() ?? 'temporary';
    case 2:
      // 5.2.1 "mailbox disabled, not accepting messages": RFC 3463 calls it likely permanent, and it
      // is about this mailbox, not the sender; providers answer it for closed accounts (and closed
      // accounts are recycled into spam traps), so it suppresses, unless the words speak of a rate
      // or a quota (Gmail's "receiving mail at a rate that prevents additional messages").
      if (detail === 1) {
        if (/rate|too many|quota|temporar|try again/i.test(text)) return 'temporary';
        return PLAINLY_POLICY.test(text) ? 'not_recipient' : 'address';
      }
      // 5.2.2 mailbox full: soft, it may be emptied.
      if (detail === 2) return 'temporary';
      // 5.2.3 the message is too long for the mailbox: the message's fault, not the address's.
      if (detail === 3) return 'not_recipient';
      // 5.2.0 and 5.2.4 (mailing-list expansion): the words decide; never the address by default.
      return byText() ?? 'temporary';
    case 3: // mail system: full, not accepting mail, feature or size not supported
    case 4: // network and routing: no answer, bad connection, routing loop, delivery time expired
    case 6: // media: content or conversion refused
    case 7: // security or policy: relaying, spam, authentication, reputation, DMARC
      return 'not_recipient';
    case 5:
      // 5.5.0 "other protocol status": Outlook.com answers it for a mailbox that does not exist
      // ("550 5.5.0 Requested action not taken: mailbox unavailable"), so the words decide; the
      // specific ones (syntax, too many recipients, bad arguments) are the sending side's.
      if (detail === 0) return byText() ?? 'not_recipient';
      return 'not_recipient';
    default:
      // 5.0.0 "other or undefined" and subjects RFC 3463 does not define.
      return byText() ?? 'temporary';
  }
}
