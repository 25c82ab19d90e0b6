// Tensors whose dims promise more than their data holds are refused at decode (a fuzzed
// model with a [8, 4, 3, 2^40] weight over 1152 bytes reached the gradient rules and failed
// there with "Invalid typed array length").
import { readFileSync } from 'node:fs';
import { fromBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test-support/fixtures.js';
import { decodeModel, encodeModel } from './codec.js';
import { ModelProtoSchema } from './gen/onnx_pb.js';

const bn = () => fromBinary(ModelProtoSchema, readFileSync(fixturePath('bn_inference')));

describe('tensor sizes at decode', () => {
  it('refuses raw data shorter than the dims promise, naming the tensor', () => {
    const model = bn();
    const t = model.graph!.initializer.find((x) => x.rawData.byteLength > 0)!;
    t.dims[t.dims.length - 1] = 2n ** 40n;
    expect(() => decodeModel(encodeModel(model), 'bad.onnx')).toThrow(new RegExp(`^bad\\.onnx: tensor "${t.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": dims \\[.*1099511627776\\] make \\d+ elements, but it holds \\d+ bytes \\(4 per element\\); the file is damaged$`));
  });

  it('refuses negative dims and typed fields with fewer entries than elements', () => {
    const neg = bn();
    neg.graph!.initializer[0].dims[0] = -5n;
    expect(() => decodeModel(encodeModel(neg), 'neg.onnx')).toThrow(/include a negative size/);
    const typed = bn();
    const t = typed.graph!.initializer[0];
    t.rawData = new Uint8Array(0);
    t.floatData = [1, 2];
    t.dims = [3n];
    expect(() => decodeModel(encodeModel(typed), 'typed.onnx')).toThrow(/make 3 elements, but it holds 2/);
  });

  it('accepts the model as exported', () => {
    expect(() => decodeModel(readFileSync(fixturePath('bn_inference')), 'bn.onnx')).not.toThrow();
  });
});
