// Strategies as edit records: what each spec trains on a real network (the ResNet-18 fixture),
// and how an edit list reads back as words.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parameterValues } from '../blocks/index.js';
import { decodeModel } from '../onnx/codec.js';
import { fixturePath } from '../../test-support/fixtures.js';
import { applyEdits } from './apply.js';
import { describeTraining, freezePreset, strategyEdits, trainableEdits } from './presets.js';
import { graphFromModel } from '../ir/proto.js';

const model = decodeModel(readFileSync(fixturePath('resnet18')), 'resnet18');
const all = parameterValues(graphFromModel(model)).map((v) => v.name);
const trained = (edits: Parameters<typeof applyEdits>[1]) => [...applyEdits(model, edits).trainable].sort();
const under = (...prefixes: string[]) => all.filter((n) => prefixes.some((p) => n.startsWith(p))).sort();

describe('strategy specs as edits', () => {
  it('feature extraction trains the head alone; fine-tune:N adds the last N stages; full and scratch train all', () => {
    expect(trained(strategyEdits('feature-extraction').edits)).toEqual(under('fc.'));
    expect(trained(strategyEdits('fine-tune').edits)).toEqual(under('fc.', 'layer4.'));
    expect(trained(strategyEdits('fine-tune:2').edits)).toEqual(under('fc.', 'layer3.', 'layer4.'));
    expect(trained(strategyEdits('full').edits)).toHaveLength(all.length);
    expect(strategyEdits('scratch')).toEqual({ edits: [freezePreset('full')], reinit: true });
  });

  it('a block list trains those blocks with the head for `train`, and exactly those for `gradients`', () => {
    expect(trained(strategyEdits('layer4').edits)).toEqual(under('fc.', 'layer4.'));
    expect(trained(trainableEdits('layer4'))).toEqual(under('layer4.'));
    expect(trained(trainableEdits('head'))).toEqual(under('fc.'));
    expect(trained(trainableEdits('all'))).toHaveLength(all.length);
    expect(() => strategyEdits(' , ')).toThrow(/names no strategy and no blocks/);
  });
});

describe('describeTraining', () => {
  it('reads the last preset and what was changed by hand after it', () => {
    expect(describeTraining([freezePreset('feature-extraction')], false)).toBe('feature extraction');
    expect(describeTraining([freezePreset('fine-tune', 2)], false)).toBe('fine-tune (2 stages)');
    expect(describeTraining([freezePreset('full')], true)).toBe('from scratch');
    expect(describeTraining([], false)).toBe('full');
    expect(describeTraining([freezePreset('full'), { kind: 'freeze', blocks: ['layer1'] }], false)).toBe('frozen: layer1');
    expect(describeTraining(strategyEdits('layer4').edits, false)).toBe('feature extraction, custom freezing');
    expect(describeTraining(trainableEdits('layer3,layer4'), false)).toBe('train layer3, layer4');
  });
});
