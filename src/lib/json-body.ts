// Parses every JSON request body: bounded nesting, no NUL characters, no prototype-poisoning keys.
import { AppError } from './errors.ts';
import { NUL_MESSAGE } from './nul.ts';

/** Deeper than any body Spoor takes (form definitions nest about five levels); recursive code stays safe. */
export const MAX_JSON_DEPTH = 32;

const tooDeep = () => new AppError('bad_request', `The body nests deeper than ${MAX_JSON_DEPTH} levels.`);

/**
 * JSON.parse, then one iterative walk that refuses what later code cannot handle: nesting past
 * MAX_JSON_DEPTH (recursive walks and validators overflow the stack), NUL in any string or key (PostgreSQL
 * cannot store it), and `__proto__` or `constructor.prototype` keys (as Fastify's own parser refuses them).
 * The walk runs only when the raw text could hold such a thing (a \u escape, which can spell NUL or a key
 * in disguise; a suspicious key; more brackets than the depth allowed), so the collect endpoint's small
 * bodies pay a few string scans and no walk.
 */
export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const empty = text.trim() === '';
    throw new AppError(
      'bad_request',
      empty ? 'The body is empty; send a JSON document.' : 'The body is not valid JSON.',
    );
  }
  if (
    text.includes('\\u') ||
    text.includes('__proto__') ||
    text.includes('constructor') ||
    mayNestDeeperThan(text, MAX_JSON_DEPTH)
  )
    checkValue(value);
  return value;
}

function checkValue(value: unknown): void {
  // Pairs of (value, depth) on one array: no recursion, however deep the document.
  const stack: unknown[] = [value, 1];
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const current = stack.pop();
    if (typeof current === 'string') {
      if (current.includes('\u0000')) throw new AppError('bad_request', NUL_MESSAGE);
    } else if (typeof current === 'object' && current !== null) {
      if (depth > MAX_JSON_DEPTH) throw tooDeep();
      if (Array.isArray(current)) {
        for (const child of current) stack.push(child, depth + 1);
      } else {
        for (const key in current) {
          const child = (current as Record<string, unknown>)[key];
          checkKey(key, child);
          stack.push(child, depth + 1);
        }
      }
    }
  }
}

/** False when the text holds too few brackets to nest that deep (indexOf is far cheaper than a walk). */
function mayNestDeeperThan(text: string, depth: number): boolean {
  let brackets = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) {
      brackets += 1;
      if (brackets > depth) return true;
    }
  }
  return false;
}

function checkKey(key: string, child: unknown): void {
  if (key.includes('\u0000')) throw new AppError('bad_request', NUL_MESSAGE);
  if (
    key === '__proto__' ||
    (key === 'constructor' && typeof child === 'object' && child !== null && 'prototype' in child)
  )
    throw new AppError('bad_request', `The body holds a "${key}" key, which Spoor refuses.`);
}
