// Decoding and encoding ONNX ModelProto bytes, with a specific diagnosis of what a file is
// when it is not a model. Unknown fields are kept by the protobuf runtime, so a model from a
// newer ONNX version saves back with everything it had.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { GraftError } from '../errors.js';
import { firstCycle } from './cycles.js';
import { firstBadTensor } from './tensor-check.js';
import { type ModelProto, ModelProtoSchema } from './gen/onnx_pb.js';

/**
 * Protobuf messages may nest this deep. Each level of subgraph costs three (node, attribute,
 * graph), so 50 nested If nodes (a valid model onnxruntime runs) need about 150; the
 * library's default of 100 called them corrupt. Deeper still is refused by name.
 */
const MAX_MESSAGE_DEPTH = 1000;

/** A short description of what `bytes` look like, used when they are not a model. */
function sniff(bytes: Uint8Array): string | null {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /^<(head|body|meta|script|div)\b/.test(head)) {
    return 'an HTML page, not an ONNX model (a browser "Save page" or an error page from a download link?)';
  }
  if (head.startsWith('<?xml') || head.startsWith('<')) return 'an XML/markup document, not an ONNX model';
  if (head.startsWith('{') || head.startsWith('[')) return 'a JSON text file, not an ONNX model';
  if (head.startsWith('version https://git-lfs')) return 'a Git LFS pointer, not the model itself (run "git lfs pull")';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'a ZIP archive (a PyTorch .pt/.pth checkpoint?), not an ONNX model; export it with torch.onnx.export';
  if (bytes[0] === 0x80 && bytes[1] <= 5) return 'a Python pickle (a PyTorch checkpoint?), not an ONNX model';
  if (bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46) return 'an HDF5 file (a Keras .h5 model?), not an ONNX model';
  const sample = bytes.subarray(0, 4096);
  let printable = 0;
  for (const b of sample) if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0xc0) printable++;
  if (sample.length > 0 && printable / sample.length > 0.97) return 'a text file, not an ONNX model';
  return null;
}

/**
 * Decodes a model file's bytes. `label` names the file in errors. Throws a GraftError with
 * code `model-empty`, `model-not-onnx`, `model-corrupt` or `model-cycle`.
 */
export function decodeModel(bytes: Uint8Array, label: string): ModelProto {
  if (bytes.byteLength === 0) throw new GraftError('model-empty', `${label}: the file is empty (0 bytes), not an ONNX model`);
  const what = sniff(bytes);
  if (what) throw new GraftError('model-not-onnx', `${label}: this is ${what}`);
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes, { recursionLimit: MAX_MESSAGE_DEPTH });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (reason.includes('maximum recursion depth')) {
      throw new GraftError('model-too-deep', `${label}: subgraphs (If, Loop, Scan bodies) nest more than ${Math.floor(MAX_MESSAGE_DEPTH / 3)} levels deep; Graft reads up to that`);
    }
    throw new GraftError(
      'model-corrupt',
      `${label}: not a readable ONNX model: protobuf decoding failed (${reason}); the file is truncated or corrupt (${bytes.byteLength} bytes)`,
    );
  }
  // Random bytes sometimes decode as a protobuf message of unknown fields: insist on the
  // fields every ONNX model has.
  if (!model.graph || model.irVersion <= 0n) {
    throw new GraftError('model-not-onnx', `${label}: not an ONNX model (no ${model.graph ? 'ir_version' : 'graph'} in ${bytes.byteLength} bytes)`);
  }
  if (model.irVersion > 64n) throw new GraftError('model-not-onnx', `${label}: not an ONNX model (ir_version ${model.irVersion})`);
  // opset_import follows the graph in the file: a model cut off right after its graph
  // still decodes, so its absence is the sign of a truncated file.
  if (model.irVersion >= 3n && model.opsetImport.length === 0) {
    throw new GraftError('model-corrupt', `${label}: the model declares no opset (opset_import is missing); the file is truncated or corrupt`);
  }
  const bad = firstBadTensor(model.graph);
  if (bad) throw new GraftError('model-invalid', `${label}: tensor "${bad.tensor}": ${bad.problem}; the file is damaged`);
  const cycle = firstCycle(model.graph);
  if (cycle) {
    const where = cycle.graph === model.graph.name ? 'the graph' : `the subgraph "${cycle.graph}"`;
    throw new GraftError('model-cycle', `${label}: ${where} has a cycle through node ${cycle.node}; a node cannot depend on its own output`);
  }
  return model;
}

export function encodeModel(model: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, model);
}

/**
 * Checks an external-data `location` the way a safe loader must: a relative path below the
 * model's folder. Returns the normalised relative path, or throws. (Symlinks are checked where
 * the file system is, in node/.)
 */
export function checkExternalLocation(location: string, tensorName: string): string {
  const refuse = (why: string) => {
    throw new GraftError('external-data-path', `tensor "${tensorName}": external data location "${location}" ${why}; refusing to read it`);
  };
  if (location.length === 0) refuse('is empty');
  if (location.includes('\0')) refuse('contains a NUL byte');
  if (location.startsWith('/') || location.startsWith('\\') || /^[a-zA-Z]:/.test(location)) refuse('is an absolute path outside the model folder');
  const parts = location.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) refuse('climbs out of the model folder with ".."');
  if (parts.length === 0) refuse('names no file');
  return parts.join('/');
}
