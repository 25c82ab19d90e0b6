// Typed reads of node attributes. Missing attributes give the caller's default, so rules
// can state the ONNX default at the call site where a reader can check it against the spec.
import type { TensorProto } from '../onnx/gen/onnx_pb.js';
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

const utf8 = new TextDecoder('utf-8');

export function getString(node: Node, name: string, dflt: string): string;
export function getString(node: Node, name: string, dflt?: string): string | undefined;
export function getString(node: Node, name: string, dflt?: string): string | undefined {
  const a = node.attr(name);
  return a ? utf8.decode(a.s) : dflt;
}

export function getTensor(node: Node, name: string): TensorProto | undefined {
  return node.attr(name)?.t;
}
