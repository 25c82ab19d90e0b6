// Error messages are one printable line, whatever names a damaged file puts into them (the
// fuzz suite found value names of binary garbage with newlines and terminal escapes).
import { expect, it } from 'vitest';
import { GraftError } from './errors.js';

it('escapes control characters and caps the length of a GraftError message', () => {
  const e = new GraftError('model-invalid', `value "a\nb\u001b[31mc\u0004" is defined by no node`);
  expect(e.message).toBe('value "a\\nb\\u001b[31mc\\u0004" is defined by no node');
  const long = new GraftError('model-invalid', 'x'.repeat(10_000));
  expect(long.message).toHaveLength(2001);
  expect(long.message.endsWith('…')).toBe(true);
});
