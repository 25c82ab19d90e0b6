/**
 * An error a person can act on: a stable `code` for programs and tests, and a message that
 * names the file, node or value at fault. Everything the engine refuses is one of these.
 */
export class GraftError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(oneLine(message));
    this.name = 'GraftError';
  }
}

/** Longest message kept whole; a name from a damaged file can be kilobytes of binary. */
const MAX_MESSAGE_CHARS = 2000;

/**
 * A message as one printable line: names quoted from a damaged file may hold newlines,
 * terminal escapes or other control characters, which are shown escaped (\n, \u001b).
 */
export function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = message.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return escaped.length > MAX_MESSAGE_CHARS ? `${escaped.slice(0, MAX_MESSAGE_CHARS)}…` : escaped;
}

export function isGraftError(e: unknown): e is GraftError {
  return e instanceof GraftError;
}
