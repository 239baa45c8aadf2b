import { describe, expect, it } from 'vitest';
import { isClientHangUp } from './client-hang-up.ts';

describe('isClientHangUp', () => {
  const cases: [string, { code?: unknown; message?: unknown }, boolean, boolean][] = [
    ['request aborted mid-body (Node)', { code: 'ECONNRESET', message: 'aborted' }, true, true],
    [
      'stream pipeline premature close',
      { code: 'ERR_STREAM_PREMATURE_CLOSE', message: 'Premature close' },
      true,
      true,
    ],
    ['write to a closed socket', { code: 'EPIPE', message: 'write EPIPE' }, true, true],
    ['connection aborted', { code: 'ECONNABORTED', message: 'x' }, true, true],
    ['message only', { message: 'aborted' }, true, true],
    [
      'a reset while the client still waits (a database socket)',
      { code: 'ECONNRESET', message: 'read ECONNRESET' },
      false,
      false,
    ],
    ['a real error after the client left', { code: '23505', message: 'duplicate key' }, true, false],
    ['a plain error after the client left', { message: 'boom' }, true, false],
    ['a plain error', { message: 'boom' }, false, false],
    ['no code or message', {}, true, false],
  ];
  it.each(cases)('%s', (_name, error, gone, expected) => {
    expect(isClientHangUp(error, gone)).toBe(expected);
  });
});
