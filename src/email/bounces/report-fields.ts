// Header-style fields (RFC 5322 §2.2, as RFC 3464 and RFC 5965 reuse them): the per-message and
// per-recipient blocks of a delivery-status part, a feedback report, a returned message's header.
// Pure; never throws on any input.

/** Blocks of `Name: value` fields separated by blank lines; names lower-cased; folded lines unfolded. */
export function parseFieldBlocks(text: string, maxBlocks = 200): Map<string, string>[] {
  const blocks: Map<string, string>[] = [];
  let block = new Map<string, string>();
  let last: string | null = null;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      if (block.size > 0) blocks.push(block);
      if (blocks.length >= maxBlocks) return blocks;
      block = new Map();
      last = null;
      continue;
    }
    if (/^[ \t]/.test(line) && last !== null) {
      block.set(last, `${block.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      last = null;
      continue;
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
      last = null;
      continue;
    }
    // The first occurrence wins (a second Final-Recipient in one block is not a second recipient).
    if (!block.has(name)) block.set(name, line.slice(colon + 1).trim());
    last = name;
  }
  if (block.size > 0) blocks.push(block);
  return blocks;
}

/** The header of a message (everything before its first blank line), as one block. */
export function headerFieldsOf(message: string): Map<string, string> {
  const end = message.search(/\r?\n\r?\n/);
  return parseFieldBlocks(end < 0 ? message : message.slice(0, end))[0] ?? new Map();
}

/** `rfc822; someone@example.com` → someone@example.com (lower-cased); null when not an address. */
export function addressOfField(value: string | undefined): string | null {
  if (!value) return null;
  const address = value
    .replace(/^\s*[\w-]+\s*;/, '')
    .trim()
    .replace(/^<|>$/g, '')
    .toLowerCase();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(address) && address.length <= 320 ? address : null;
}
