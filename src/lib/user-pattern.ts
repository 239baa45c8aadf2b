// The one way to run a regular expression someone outside the code wrote (a form field's pattern): RE2
// (re2js), which matches in time linear in the input, so no pattern and value can stall the server.
import { RE2JS } from 're2js';
import { Memo } from './memo.ts';

export type UserPattern = RE2JS;

export type CompiledPattern = { ok: true; pattern: UserPattern } | { ok: false; problem: string };

// RE2's own messages name the engine's terms; these say what to change, for the syntax people reach for.
const PROBLEMS: [RegExp, string][] = [
  [/invalid escape sequence: `\\[1-9]/, 'backreferences such as \\1 are not supported'],
  [/invalid escape sequence: `\\k/, 'named backreferences such as \\k<name> are not supported'],
  [/unsupported Perl syntax: `\(\?[=!]/, 'lookahead such as (?=…) or (?!…) is not supported'],
  [/invalid named capture: `\(\?<[=!]/, 'lookbehind such as (?<=…) or (?<!…) is not supported'],
  [/invalid nested repetition operator/, 'a repetition cannot follow another one (such as *+, ++ or **)'],
  [/invalid repeat count/, 'a repeat count is above 1000, or nested counts multiply past it'],
  [/expression too large/, 'it is too large (nested repeat counts multiply)'],
];

function describe(message: string): string {
  for (const [match, problem] of PROBLEMS) if (match.test(message)) return problem;
  return `it is not a valid regular expression (${message.replace(/^error parsing regexp: /, '')})`;
}

const UNICODE_ESCAPE = /\\u(?:\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{4}))/y;

/**
 * JavaScript's `\u00e9` and `\u{1F600}` (and an escaped surrogate pair) as RE2's `\x{…}`; every other
 * escape is left for RE2 to accept or refuse. (re2js's translateRegExp is looser: it turns unknown
 * escapes such as `\k<name>` into plain letters, silently changing what a pattern means.)
 */
function fromJavaScript(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    if (source[i] !== '\\') {
      out += source[i];
      continue;
    }
    UNICODE_ESCAPE.lastIndex = i;
    const unicode = UNICODE_ESCAPE.exec(source);
    if (!unicode) {
      out += source.slice(i, i + 2);
      i++;
      continue;
    }
    let code = Number.parseInt(unicode[1] ?? unicode[2]!, 16);
    i += unicode[0].length - 1;
    UNICODE_ESCAPE.lastIndex = i + 1;
    const low = code >= 0xd800 && code <= 0xdbff ? UNICODE_ESCAPE.exec(source) : null;
    const lowCode = low?.[2] ? Number.parseInt(low[2], 16) : 0;
    if (low && lowCode >= 0xdc00 && lowCode <= 0xdfff) {
      code = 0x10000 + ((code - 0xd800) << 10) + (lowCode - 0xdc00);
      i += low[0].length;
    }
    out += `\\x{${code.toString(16)}}`;
  }
  return out;
}

/**
 * Compiles `source` as RE2. JavaScript's \u escapes are translated first, so a pattern written for a
 * browser keeps its meaning; syntax that needs backtracking (backreferences, lookaround) is refused
 * with a reason a person can act on.
 */
export function compileUserPattern(source: string): CompiledPattern {
  try {
    return { ok: true, pattern: RE2JS.compile(fromJavaScript(source)) };
  } catch (error) {
    return { ok: false, problem: describe(error instanceof Error ? error.message : String(error)) };
  }
}

// Submissions check the same few patterns again and again; compiling is the costly part.
const compiled = new Memo<CompiledPattern>(1_000);

/**
 * Whether the whole of `value` matches `source`; null when the pattern cannot run (one stored before
 * patterns were checked with RE2): the caller decides, never a backtracking engine.
 */
export function matchesWhole(source: string, value: string): boolean | null {
  const result = compiled.get(source, () => compileUserPattern(source));
  return result.ok ? result.pattern.testExact(value) : null;
}
