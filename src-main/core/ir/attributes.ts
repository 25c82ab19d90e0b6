// Node attributes: typed reads, and AttributeProtos made from plain values. Missing
// attributes give the caller's default, so rules can state the ONNX default at the call site
// where a reader can check it against the spec.
import { create } from '@bufbuild/protobuf';
import { type AttributeProto, AttributeProtoSchema, type TensorProto } from '../onnx/gen/onnx_pb.js';
import type { Node } from './graph.js';

export function hasAttr(node: Node, name: string): boolean {
  return node.attr(name) !== undefined;
}

export function getInt(node: Node, name: string, dflt: number): number;
export function getInt(node: Node, name: string, dflt?: number): number | undefined;
export function getInt(node: Node, name: string, dflt?: number): number | undefined {
  const a = node.attr(name);
  return a ? Number(a.i) : dflt;
}

export function getInts(node: Node, name: string, dflt: number[]): number[];
export function getInts(node: Node, name: string, dflt?: number[]): number[] | undefined;
export function getInts(node: Node, name: string, dflt?: number[]): number[] | undefined {
  const a = node.attr(name);
  return a ? a.ints.map(Number) : dflt;
}

export function getFloat(node: Node, name: string, dflt: number): number;
export function getFloat(node: Node, name: string, dflt?: number): number | undefined;
export function getFloat(node: Node, name: string, dflt?: number): number | undefined {
  const a = node.attr(name);
  return a ? a.f : dflt;
}

export function getFloats(node: Node, name: string, dflt?: number[]): number[] | undefined {
  const a = node.attr(name);
  return a ? [...a.floats] : dflt;
}

const utf8Decoder = new TextDecoder('utf-8');

export function getString(node: Node, name: string, dflt: string): string;
export function getString(node: Node, name: string, dflt?: string): string | undefined;
export function getString(node: Node, name: string, dflt?: string): string | undefined {
  const a = node.attr(name);
  return a ? utf8Decoder.decode(a.s) : dflt;
}

export function getTensor(node: Node, name: string): TensorProto | undefined {
  return node.attr(name)?.t;
}

// ---- writing ---------------------------------------------------------------------------------

export type AttrValue = number | string | number[] | string[] | TensorProto | { float: number } | { floats: number[] };

const T = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

const utf8Encoder = new TextEncoder();

/**
 * An attribute from a plain value. Integers become INT(S); use `{ float: 1 }` or
 * `{ floats: [...] }` for float attributes whose values happen to be whole numbers.
 */
export function attr(name: string, value: AttrValue): AttributeProto {
  const a = (init: Omit<Partial<AttributeProto>, '$typeName' | '$unknown'>) => create(AttributeProtoSchema, { name, ...init });
  if (typeof value === 'number') return Number.isInteger(value) ? a({ type: T.INT, i: BigInt(value) }) : a({ type: T.FLOAT, f: value });
  if (typeof value === 'string') return a({ type: T.STRING, s: utf8Encoder.encode(value) });
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return a({ type: T.STRINGS, strings: (value as string[]).map((s) => utf8Encoder.encode(s)) });
    const nums = value as number[];
    return nums.every(Number.isInteger) ? a({ type: T.INTS, ints: nums.map(BigInt) }) : a({ type: T.FLOATS, floats: nums });
  }
  if ('float' in value) return a({ type: T.FLOAT, f: value.float });
  if ('floats' in value) return a({ type: T.FLOATS, floats: value.floats });
  return a({ type: T.TENSOR, t: value });
}

/** Attributes from a map of plain values; undefined entries are left out (the ONNX default). */
export function attrs(map: Record<string, AttrValue | undefined>): AttributeProto[] {
  return Object.entries(map)
    .filter((e): e is [string, AttrValue] => e[1] !== undefined)
    .map(([k, v]) => attr(k, v));
}
