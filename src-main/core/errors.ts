/**
 * An error a person can act on: a stable `code` for programs and tests, and a message that
 * names the file, node or value at fault. Everything the engine refuses is one of these.
 */
export class GraftError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraftError';
  }
}

export function isGraftError(e: unknown): e is GraftError {
  return e instanceof GraftError;
}
