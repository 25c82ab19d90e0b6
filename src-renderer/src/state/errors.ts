// Errors as the banner shows them: what the user was doing, a stable code, a sentence.
export interface ShownError {
  code: string;
  message: string;
  /** What the user was doing, e.g. "Opening /x/y.onnx". */
  context: string;
}

export function toShown(err: unknown, context: string): ShownError {
  const e = err as { code?: unknown; message?: unknown };
  return {
    code: typeof e?.code === 'string' ? e.code : 'internal',
    message: typeof e?.message === 'string' && e.message ? e.message : String(err),
    context,
  };
}
