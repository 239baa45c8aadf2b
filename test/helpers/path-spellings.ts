// Other spellings of a request path: what an attacker tries to slip past a check that compares URL text.
// Each is a raw request target (sent as-is over a socket); the router may or may not match it.

const hex = (char: string) =>
  Array.from(new TextEncoder().encode(char), (byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

/**
 * `path` is a concrete path (`/api/contacts/x1`); `literal` marks which of its characters come from the
 * route's pattern (true) rather than from a parameter value (false); encoding parameter values proves nothing.
 */
export function pathSpellings(path: string, literal: (index: number) => boolean): string[] {
  const out = new Set<string>();
  const at = (i: number, replacement: string) => path.slice(0, i) + replacement + path.slice(i + 1);
  for (let i = 0; i < path.length; i++) {
    if (!literal(i)) continue;
    const char = path[i] as string;
    const lower = hex(char);
    out.add(at(i, lower));
    out.add(at(i, lower.toUpperCase()));
    out.add(at(i, lower.replace('%', '%25'))); // double encoding
    if (char !== char.toUpperCase()) out.add(at(i, char.toUpperCase()));
    if (char === '/') {
      out.add(at(i, '//'));
      out.add(at(i, '/./'));
      out.add(at(i, '/%2e/'));
      out.add(at(i, '/x/../'));
      out.add(at(i, '/x/%2e%2e/'));
      out.add(at(i, '\\'));
      if (i > 0) out.add(at(i, ';x/'));
    }
  }
  const segments = path.split('/');
  out.add(path.toUpperCase());
  out.add(segments.map((s) => (s ? s[0]?.toUpperCase() + s.slice(1) : s)).join('/'));
  out.add(Array.from(path, (c, i) => (literal(i) && c !== '/' ? hex(c) : c)).join(''));
  out.add(Array.from(path, (c, i) => (literal(i) && c !== '/' ? hex(c).toUpperCase() : c)).join(''));
  out.add(`${path}/`);
  out.add(`${path}//`);
  out.add(`${path}/.`);
  out.add(`${path};x`);
  out.add(`${path}?x=1`);
  out.add(`${path}?`);
  out.add(`${path}#x`);
  out.add(`${path}%00`);
  out.add(`${path}%20`);
  out.add(`${path}%2f`);
  out.add(`/.${path}`);
  out.add(`/${path}`);
  out.add(`/x/..${path}`);
  // Overlong UTF-8 for "/" and "a": not valid UTF-8, must never decode to the real path.
  out.add(path.replace('/', '%c0%af'));
  out.add(path.replace('a', '%c1%a1'));
  out.delete(path);
  return [...out];
}
