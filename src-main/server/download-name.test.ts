// The name a downloaded export is saved under: the studio's suggestion (project, strategy, day)
// only when it is a plain .onnx file name, so nothing can break out of the header or the folder.
import { describe, expect, it } from 'vitest';
import { downloadName } from './transfers.js';

describe('download names', () => {
  it("keep the studio's plain suggestion", () => {
    expect(downloadName('run-1', 'fashion-transfer-feature-extraction-2026-12-04.onnx')).toBe('fashion-transfer-feature-extraction-2026-12-04.onnx');
  });

  it('fall back to the run id for anything else', () => {
    for (const bad of ['a"b.onnx', 'x\r\nSet-Cookie: y.onnx', '../up.onnx', '.hidden.onnx', 'model.exe', 'Upper.onnx', `${'a'.repeat(200)}.onnx`, '', null]) {
      expect(downloadName('run-1', bad), String(bad)).toBe('graft-run-1.onnx');
    }
  });
});
