// Synthetic ModelViews for UI tests that must not depend on the engine: a ResNet-18-shaped
// model (same block names and fc size as the fixture) and a large one for responsiveness.
import type { BlockKind, BlockView, Dim, GraphEdgeView, GraphNodeView, ModelView, TensorInfo } from '../../src-main/api/contract.js';

class Builder {
  readonly nodes: GraphNodeView[] = [];
  readonly edges: GraphEdgeView[] = [];
  readonly blocks = new Map<string, BlockView>();
  readonly root: BlockView = { path: '', name: 'model', kind: 'model', params: 0, inputs: [], outputs: [], nodeIds: [], children: [] };
  private last: string | null = null;

  block(path: string, kind: BlockKind, params = 0, shape: Dim[] | null = null): BlockView {
    const existing = this.blocks.get(path);
    if (existing) return existing;
    const slash = path.lastIndexOf('/');
    const parent = slash < 0 ? this.root : this.blocks.get(path.slice(0, slash))!;
    const b: BlockView = { path, name: path.slice(slash + 1), kind, params, inputs: [], outputs: shape ? [tensor(`${path}_out`, shape)] : [], nodeIds: [], children: [] };
    parent.children.push(b);
    this.blocks.set(path, b);
    return b;
  }

  /** Adds a node in `block`, fed by `from` (default: the previous node). */
  node(block: string, opType: string, from: (string | null)[] = [this.last]): string {
    const id = `n${this.nodes.length}`;
    this.nodes.push({ id, name: `/${block ? `${block}/` : ''}${opType}`, opType, block });
    (block ? this.blocks.get(block)! : this.root).nodeIds.push(id);
    for (const f of from) if (f) this.edges.push({ from: f, to: id, value: `${f}_out` });
    this.last = id;
    return id;
  }

  finish(fileName: string, path: string): ModelView {
    // Parent params are the sum of their children's and own params.
    const sum = (b: BlockView): number => {
      if (b.children.length) b.params = b.params + b.children.reduce((s, c) => s + sum(c), 0);
      return b.params;
    };
    sum(this.root);
    const opCounts: Record<string, number> = {};
    for (const n of this.nodes) opCounts[n.opType] = (opCounts[n.opType] ?? 0) + 1;
    return {
      summary: {
        path,
        fileName,
        fileBytes: this.root.params * 4,
        irVersion: 7,
        opsets: { '': 13 },
        producer: 'synthetic',
        nodeCount: this.nodes.length,
        totalParams: this.root.params,
        inputs: [tensor('input', ['batch', 3, 64, 64])],
        outputs: [tensor('logits', ['batch', 5])],
        opCounts,
        head: null,
        recurrent: [],
      },
      root: this.root,
      nodes: this.nodes,
      edges: this.edges,
      surgery: everythingTrainable(this.root),
    };
  }
}

function tensor(name: string, shape: Dim[]): TensorInfo {
  return { name, dtype: 'float32', shape };
}

export function syntheticResNet18(path: string): ModelView {
  const b = new Builder();
  b.block('conv1', 'conv', 9472, ['batch', 64, 32, 32]);
  b.node('conv1', 'Conv');
  b.block('relu', 'activation', 0, ['batch', 64, 32, 32]);
  b.node('relu', 'Relu');
  b.block('maxpool', 'pool', 0, ['batch', 64, 16, 16]);
  b.node('maxpool', 'MaxPool');
  const widths = [64, 128, 256, 512];
  let cin = 64;
  let res = 16;
  widths.forEach((w, i) => {
    const stage = `layer${i + 1}`;
    if (i > 0) res /= 2;
    b.block(stage, 'stage', 0, ['batch', w, res, res]);
    for (let u = 0; u < 2; u++) {
      const unit = `${stage}/${stage}.${u}`;
      b.block(unit, 'residual', 0, ['batch', w, res, res]);
      const input = b.nodes[b.nodes.length - 1].id;
      const c1in = u === 0 ? cin : w;
      b.block(`${unit}/conv1`, 'conv', c1in * w * 9 + w, ['batch', w, res, res]);
      b.node(`${unit}/conv1`, 'Conv', [input]);
      b.block(`${unit}/relu`, 'activation', 0, ['batch', w, res, res]);
      b.node(`${unit}/relu`, 'Relu');
      b.block(`${unit}/conv2`, 'conv', w * w * 9 + w, ['batch', w, res, res]);
      const main = b.node(`${unit}/conv2`, 'Conv');
      let skip = input;
      if (u === 0 && i > 0) {
        b.block(`${unit}/downsample`, 'sequential', 0, ['batch', w, res, res]);
        b.block(`${unit}/downsample/downsample.0`, 'conv', cin * w + w, ['batch', w, res, res]);
        skip = b.node(`${unit}/downsample/downsample.0`, 'Conv', [input]);
      }
      b.node(unit, 'Add', [main, skip]);
      b.node(unit, 'Relu');
    }
    cin = w;
  });
  b.block('avgpool', 'pool', 0, ['batch', 512, 1, 1]);
  b.node('avgpool', 'GlobalAveragePool');
  b.node('', 'Flatten');
  b.block('fc', 'linear', 2565, ['batch', 5]);
  const gemm = b.node('fc', 'Gemm');
  const view = b.finish(path.split('/').pop() ?? path, path);
  view.summary.head = { block: 'fc', nodeId: gemm, opType: 'Gemm', weight: 'fc.weight', bias: 'fc.bias', inFeatures: 512, outFeatures: 5, softmaxNodeId: null };
  return view;
}

/** `stages` stages of `units` residual units of 4 nodes each: 1,200 nodes at the defaults. */
export function syntheticLarge(path: string, stages = 30, units = 10): ModelView {
  const b = new Builder();
  b.block('stem', 'stem', 864, ['batch', 32, 112, 112]);
  b.node('stem', 'Conv');
  for (let s = 0; s < stages; s++) {
    const stage = `blocks.${s}`;
    b.block(stage, 'stage', 0, ['batch', 32, 56, 56]);
    for (let u = 0; u < units; u++) {
      const unit = `${stage}/${stage}.${u}`;
      b.block(unit, 'residual', 0, ['batch', 32, 56, 56]);
      const input = b.nodes[b.nodes.length - 1].id;
      b.block(`${unit}/conv`, 'conv', 9248, ['batch', 32, 56, 56]);
      b.node(`${unit}/conv`, 'Conv', [input]);
      b.block(`${unit}/act`, 'activation', 0, ['batch', 32, 56, 56]);
      b.node(`${unit}/act`, 'Relu');
      b.block(`${unit}/conv_b`, 'conv', 9248, ['batch', 32, 56, 56]);
      const main = b.node(`${unit}/conv_b`, 'Conv');
      b.node(unit, 'Add', [main, input]);
    }
  }
  b.block('head', 'head', 330, ['batch', 10]);
  b.node('head', 'Gemm');
  return b.finish(path.split('/').pop() ?? path, path);
}

/** The surgery view of an unedited model: every parameter trainable. */
function everythingTrainable(root: BlockView): ModelView['surgery'] {
  const trainableByBlock: Record<string, number> = {};
  const visit = (b: BlockView) => {
    if (b.params > 0) trainableByBlock[b.path] = b.params;
    b.children.forEach(visit);
  };
  visit(root);
  return { edits: [], frozenBlocks: [], trainableParams: root.params, totalParams: root.params, trainableByBlock, log: [] };
}
