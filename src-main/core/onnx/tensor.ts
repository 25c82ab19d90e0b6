// Reading and writing TensorProto payloads. ONNX stores data either in raw_data
// (little-endian bytes) or in one of the typed repeated fields; readers must accept both.
import { create } from '@bufbuild/protobuf';
import { GraftError } from '../errors.js';
import { DataType, dtypeName, itemSize } from './dtype.js';
import { type TensorProto, TensorProtoSchema } from './gen/onnx_pb.js';

export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export const EXTERNAL_LOCATION = 1; // TensorProto.DataLocation.EXTERNAL

export function tensorDims(t: TensorProto): number[] {
  return t.dims.map(Number);
}

export function numel(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function isExternal(t: TensorProto): boolean {
  return t.dataLocation === EXTERNAL_LOCATION;
}

/** A little-endian view of `bytes` as the typed array for `dataType` (copied to be aligned). */
function fromRawBytes(dataType: number, bytes: Uint8Array, count: number, name: string): NumericArray {
  const size = itemSize(dataType);
  if (size === 0) throw new GraftError('tensor-dtype', `tensor "${name}": ${dtypeName(dataType)} has no fixed-size raw layout`);
  if (bytes.byteLength !== count * size) {
    throw new GraftError(
      'tensor-size',
      `tensor "${name}": ${bytes.byteLength} bytes of data for ${count} ${dtypeName(dataType)} elements (expected ${count * size})`,
    );
  }
  // A copy: the source may be a pooled Node Buffer (whose slice() shares memory) and unaligned.
  const buf = new Uint8Array(bytes).buffer;
  switch (dataType) {
    case DataType.FLOAT:
      return new Float32Array(buf);
    case DataType.DOUBLE:
      return new Float64Array(buf);
    case DataType.INT8:
      return new Int8Array(buf);
    case DataType.UINT8:
    case DataType.BOOL:
      return new Uint8Array(buf);
    case DataType.INT16:
      return new Int16Array(buf);
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return new Uint16Array(buf);
    case DataType.INT32:
      return new Int32Array(buf);
    case DataType.UINT32:
      return new Uint32Array(buf);
    case DataType.INT64:
      return new BigInt64Array(buf);
    case DataType.UINT64:
      return new BigUint64Array(buf);
    default:
      return new Uint8Array(buf);
  }
}

function fromTypedFields(t: TensorProto, count: number): NumericArray {
  const check = (n: number) => {
    if (n !== count) {
      throw new GraftError('tensor-size', `tensor "${t.name}": ${n} values stored for shape [${tensorDims(t).join(', ')}] (${count} elements)`);
    }
  };
  switch (t.dataType) {
    case DataType.FLOAT:
      check(t.floatData.length);
      return Float32Array.from(t.floatData);
    case DataType.DOUBLE:
      check(t.doubleData.length);
      return Float64Array.from(t.doubleData);
    case DataType.INT64:
      check(t.int64Data.length);
      return BigInt64Array.from(t.int64Data);
    case DataType.UINT32:
      check(t.uint64Data.length);
      return Uint32Array.from(t.uint64Data, Number);
    case DataType.UINT64:
      check(t.uint64Data.length);
      return BigUint64Array.from(t.uint64Data);
    case DataType.INT32:
      check(t.int32Data.length);
      return Int32Array.from(t.int32Data);
    case DataType.INT16:
      check(t.int32Data.length);
      return Int16Array.from(t.int32Data);
    case DataType.INT8:
      check(t.int32Data.length);
      return Int8Array.from(t.int32Data);
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      check(t.int32Data.length);
      return Uint16Array.from(t.int32Data);
    case DataType.UINT8:
    case DataType.BOOL:
      check(t.int32Data.length);
      return Uint8Array.from(t.int32Data);
    default:
      throw new GraftError('tensor-dtype', `tensor "${t.name}": cannot read ${dtypeName(t.dataType)} data`);
  }
}

/**
 * The tensor's elements as a typed array. External data must have been loaded into
 * raw_data first (node/model-file does that, with its path checks).
 */
export function readTensor(t: TensorProto): NumericArray {
  if (isExternal(t)) {
    throw new GraftError('tensor-external', `tensor "${t.name}": its data lives in an external file that was not loaded`);
  }
  const count = numel(tensorDims(t));
  if (t.rawData.byteLength > 0 || count === 0) return fromRawBytes(t.dataType, t.rawData, count, t.name);
  return fromTypedFields(t, count);
}

/** Small integer tensors (shapes, axes, pads) as plain numbers. */
export function readInts(t: TensorProto): number[] {
  return Array.from(readTensor(t) as ArrayLike<number | bigint>, Number);
}

/** Floating-point tensor data as Float32Array (float32 only; others are converted). */
export function readFloats(t: TensorProto): Float32Array {
  const data = readTensor(t);
  if (data instanceof Float32Array) return data;
  if (t.dataType === DataType.FLOAT16 || t.dataType === DataType.BFLOAT16) {
    throw new GraftError('tensor-dtype', `tensor "${t.name}": ${dtypeName(t.dataType)} is not supported yet`);
  }
  return Float32Array.from(data as ArrayLike<number | bigint>, Number);
}

/** A new tensor with its data in raw_data. */
export function makeTensor(name: string, dataType: number, dims: readonly number[], data: NumericArray): TensorProto {
  const count = numel(dims);
  if (data.length !== count) {
    throw new GraftError('tensor-size', `tensor "${name}": ${data.length} values for shape [${dims.join(', ')}]`);
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return create(TensorProtoSchema, { name, dataType, dims: dims.map(BigInt), rawData: bytes });
}
