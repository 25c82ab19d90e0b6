// onnxruntime's errors are C++ text: terminal colour codes, source paths of its build, C++
// signatures and assertion expressions around the one sentence a person needs. This keeps
// that sentence (and the node it names) and drops the rest.

/** Session options that keep onnxruntime's own coloured log lines off our stderr. */
export const QUIET_SESSION = { logSeverityLevel: 4 } as const;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
/** `/onnxruntime_src/.../reshape_helper.h:91 onnxruntime::ReshapeHelper::ReshapeHelper(...) ` */
const SOURCE_LOCATION = /\S*onnxruntime_src\/\S+:\d+\s+(?:[\w:~<>,*& ]+\((?:[^()]|\([^()]*\))*\)(?:\s*const)?\s+)?/g;
const STATUS_PREFIX = /\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/g;
const NODE_STATUS = /Non-zero status code returned while running (\S+) node\. Name:'([^']*)' Status Message:\s*/;

/** The readable core of an onnxruntime error message, on one line. */
export function runtimeMessage(raw: unknown): string {
  let text = (raw instanceof Error ? raw.message : String(raw)).replace(ANSI, '').replace(STATUS_PREFIX, '');
  let node = '';
  const m = NODE_STATUS.exec(text);
  if (m) {
    node = `node "${m[2]}" (${m[1]}): `;
    text = text.slice(m.index + m[0].length);
  }
  text = text.replace(SOURCE_LOCATION, '');
  // "input_shape_size == requested_shape_size was false. The input tensor cannot be ...":
  // the assertion is for onnxruntime's developers; the sentence after it is for everyone.
  const assertion = /^[^.]*? was false\.\s+(\S.*)$/s.exec(text);
  if (assertion) text = assertion[1];
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
  return `${node}${line}`.trim() || 'onnxruntime failed without a message';
}
