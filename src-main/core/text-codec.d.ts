// core/ is checked without DOM or Node types, yet every runtime the studio runs in (Node,
// Electron, browsers) has the WHATWG text codecs. Declare just what core uses.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
