// Checks and dispatch shared by both transports (WebSocket server and Electron IPC), so a
// message that one of them refuses is refused by the other too. Pure TypeScript: no Node.
import { API_METHODS } from './contract.js';
import type { ApiErrorData, ApiMethod, RpcRequest, RpcResponse, StudioApi } from './contract.js';

/** Methods whose first parameter is `{ path: string }`. */
const PATH_METHODS: ReadonlySet<ApiMethod> = new Set<ApiMethod>(['openModel', 'probeModel']);

/** Longest path a request may carry; far above any real file path. */
const MAX_PATH_LENGTH = 4096;

export type CallCheck = { ok: true; method: ApiMethod; params: unknown[] } | { ok: false; error: ApiErrorData };

function invalid(message: string): { ok: false; error: ApiErrorData } {
  return { ok: false, error: { code: 'invalid-request', message } };
}

/** Validates a method name and its parameters, whatever transport brought them. */
export function checkCall(method: unknown, params: unknown): CallCheck {
  if (typeof method !== 'string' || !(API_METHODS as readonly string[]).includes(method)) {
    return invalid(`unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
  }
  if (!Array.isArray(params)) return invalid(`params of ${method} must be an array`);
  const m = method as ApiMethod;
  if (PATH_METHODS.has(m)) {
    const first: unknown = params[0];
    if (typeof first !== 'object' || first === null || Array.isArray(first)) {
      return invalid(`${m} expects { path: string } as its first parameter`);
    }
    const path = (first as { path?: unknown }).path;
    if (typeof path !== 'string' || path.length === 0) return invalid(`${m} expects a non-empty string path`);
    if (path.length > MAX_PATH_LENGTH || path.includes('\0')) return invalid(`${m}: path is not acceptable`);
    // Pass on only the fields the contract knows, never what else the caller put there.
    return { ok: true, method: m, params: [{ path }] };
  }
  return { ok: true, method: m, params: [] };
}

export type RequestCheck = { ok: true; request: RpcRequest } | { ok: false; id: number; error: ApiErrorData };

/** Validates one WebSocket message (already JSON-parsed, or the raw text when it did not parse). */
export function checkRequest(message: unknown): RequestCheck {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { ok: false, id: -1, error: invalid('a request must be a JSON object').error };
  }
  const { id, method, params } = message as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    return { ok: false, id: -1, error: invalid('a request needs an integer id').error };
  }
  const call = checkCall(method, params);
  if (!call.ok) return { ok: false, id, error: call.error };
  return { ok: true, request: { id, method: call.method, params: call.params } };
}

/** Any thrown value as error data: services throw errors that carry a `code`. */
export function toErrorData(err: unknown): ApiErrorData {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'string' && code ? code : 'internal', message: err.message || String(err) };
  }
  return { code: 'internal', message: String(err) };
}

/** An RpcResponse without its id: what the IPC transport carries. */
export type RpcOutcome = { ok: true; result: unknown } | { ok: false; error: ApiErrorData };

/** Runs a checked call on the service; never throws. */
export async function invokeChecked(service: StudioApi, method: ApiMethod, params: unknown[]): Promise<RpcOutcome> {
  try {
    const fn = service[method] as (...args: unknown[]) => Promise<unknown>;
    const result = await fn.apply(service, params);
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}

/** Validates and answers one WebSocket message. */
export async function answerRequest(service: StudioApi, message: unknown): Promise<RpcResponse> {
  const checked = checkRequest(message);
  if (!checked.ok) return { id: checked.id, ok: false, error: checked.error };
  const { id, method, params } = checked.request;
  const outcome = await invokeChecked(service, method, params);
  return outcome.ok ? { id, ok: true, result: outcome.result } : { id, ok: false, error: outcome.error };
}
