// The IDX format of MNIST and Fashion-MNIST: a 4-byte magic (0, 0, type, number of dimensions),
// big-endian uint32 dimension sizes, then the data. Only unsigned bytes (type 0x08) occur in
// these datasets and only they are accepted.

export class IdxError extends Error {}

const UNSIGNED_BYTE = 0x08;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxError(`${name}: not an IDX file (bad magic number ${hex(bytes.subarray(0, 4))})`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) throw new IdxError(`${name}: IDX data type 0x${bytes[2].toString(16)} is not supported (only unsigned bytes, 0x08)`);
  const rank = bytes[3];
  if (rank < 1 || bytes.length < 4 + 4 * rank) throw new IdxError(`${name}: truncated IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (bytes.length - start !== count) {
    throw new IdxError(`${name}: IDX header says [${dims.join(', ')}] (${count} bytes of data) but the file has ${bytes.length - start}`);
  }
  return { dims, data: bytes.subarray(start) };
}

function hex(bytes: Uint8Array): string {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
