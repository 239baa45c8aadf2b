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
 * The string and key checks run only when the raw text could hold such a thing, so the collect endpoint's
 * small bodies pay for a walk over a dozen values and nothing else.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new AppError('bad_request', 'The body is empty; send a JSON document.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'The body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'string' && value.includes('\u0000')) throw new AppError('bad_request', NUL_MESSAGE);
    return value;
  }
  const checkStrings = text.includes('\\u0000');
  const checkKeys = text.includes('__proto__') || text.includes('"constructor"');
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const current = stack.pop() as object;
    const depth = depths.pop() as number;
    if (depth > MAX_JSON_DEPTH) throw tooDeep();
    const children: unknown[] = Array.isArray(current) ? current : Object.values(current);
    if (!Array.isArray(current) && (checkStrings || checkKeys)) checkObjectKeys(current, checkStrings, checkKeys);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {
        stack.push(child);
        depths.push(depth + 1);
      } else if (checkStrings && typeof child === 'string' && child.includes('\u0000')) {
        throw new AppError('bad_request', NUL_MESSAGE);
      }
    }
  }
  return value;
}

function checkObjectKeys(object: object, checkStrings: boolean, checkKeys: boolean): void {
  for (const key of Object.keys(object)) {
    if (checkStrings && key.includes('\u0000')) throw new AppError('bad_request', NUL_MESSAGE);
    if (!checkKeys) continue;
    const child = (object as Record<string, unknown>)[key];
    if (
      key === '__proto__' ||
      (key === 'constructor' && typeof child === 'object' && child !== null && 'prototype' in child)
    )
      throw new AppError('bad_request', `The body holds a "${key}" key, which Spoor refuses.`);
  }
}
