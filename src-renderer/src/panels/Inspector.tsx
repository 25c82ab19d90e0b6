// Details of the selection: a block (shapes, parameters, nodes, head or recurrent role) or a
// single ONNX node; the model's summary when nothing is selected.
import type { BlockView, GraphNodeView, HeadInfo, ModelView, RecurrentInfo, TensorInfo } from '../../../src-main/api/contract.js';
import { compactCount, exactCount, formatBytes, formatShape } from '../format.js';
import { useStudio } from '../state/store.js';
import type { BlockIndex } from '../graph/blocks.js';
import { freezeState } from '../graph/freeze-state.js';

export function Inspector() {
  const model = useStudio((s) => s.model);
  const index = useStudio((s) => s.index);
  const selection = useStudio((s) => s.selection);
  let body = null;
  if (model && index) {
    if (selection?.type === 'block') {
      const block = index.byPath.get(selection.path);
      if (block) body = <BlockDetails block={block} model={model} index={index} />;
    } else if (selection?.type === 'node') {
      const node = index.nodes.get(selection.id);
      if (node) {
        body = (
          <section>
            <h2>{node.opType}</h2>
            <dl className="facts">
              <Fact label="Node" value={node.name || node.id} />
              <Fact label="Block" value={node.block || '(model)'} />
            </dl>
            <NodeDetailsSection node={node} />
          </section>
        );
      }
    } else {
      body = <ModelDetails model={model} />;
    }
  }
  return (
    <aside className="inspector" data-testid="inspector" aria-label="Inspector">
      {body ?? <p className="muted">Open a model to inspect it.</p>}
    </aside>
  );
}

const GEOMETRY_LABELS: Record<string, string> = { kernel_shape: 'Kernel', strides: 'Stride', pads: 'Pads', dilations: 'Dilation', group: 'Groups', axis: 'Axis', output_padding: 'Output padding' };
const stat = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2));

/** A node's geometry (kernel, stride, pads...) and each weight's mean, std, min and max. */
function NodeDetailsSection({ node }: { node: GraphNodeView }) {
  const d = node.details;
  if (!d) return null;
  return (
    <div data-testid="node-details">
      {Object.keys(d.geometry).length > 0 && (
        <dl className="facts">
          {Object.entries(d.geometry).map(([k, v]) => (
            <Fact key={k} label={GEOMETRY_LABELS[k] ?? k} value={v.join(' × ')} testId={`node-${k}`} />
          ))}
        </dl>
      )}
      {d.weights.map((w) => (
        <section key={w.name}>
          <h3 title={w.name}>
            {/\.bias$/.test(w.name) ? 'Bias' : 'Weights'} {w.shape.join('×')}
          </h3>
          <dl className="facts tabular" data-testid="weight-stats">
            <Fact label="Mean" value={stat(w.mean)} />
            <Fact label="Std" value={stat(w.std)} />
            <Fact label="Min" value={stat(w.min)} />
            <Fact label="Max" value={stat(w.max)} />
          </dl>
        </section>
      ))}
    </div>
  );
}

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </>
  );
}

function Tensors({ title, tensors }: { title: string; tensors: TensorInfo[] }) {
  return (
    <section>
      <h3>{title}</h3>
      {tensors.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <ul className="tensors">
          {tensors.map((t) => (
            <li key={t.name}>
              <code className="tensor-shape">{formatShape(t.shape)}</code>
              <span className="tensor-dtype">{t.dtype}</span>
              <span className="tensor-name" title={t.name}>
                {t.name}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** True when `inner` is `outer` or lies inside it. */
function within(inner: string, outer: string, index: BlockIndex): boolean {
  for (let p: string | null | undefined = inner; p !== null && p !== undefined; p = index.parent.get(p)) if (p === outer) return true;
  return false;
}

function BlockDetails({ block, model, index }: { block: BlockView; model: ModelView; index: BlockIndex }) {
  const head = model.summary.head && within(model.summary.head.block, block.path, index) ? model.summary.head : null;
  const recurrent = model.summary.recurrent.filter((r) => within(r.block, block.path, index));
  return (
    <>
      <section>
        <h2 data-testid="inspector-title">{block.name || 'model'}</h2>
        <dl className="facts">
          <Fact label="Path" value={block.path || '(root)'} testId="inspector-path" />
          <Fact label="Kind" value={block.kind} testId="inspector-kind" />
          <Fact label="Params" value={`${exactCount(block.params)}${block.params >= 1000 ? ` (${compactCount(block.params)})` : ''}`} testId="inspector-params" />
          <Fact label="Nodes" value={exactCount(index.nodeCount.get(block.path) ?? 0)} testId="inspector-nodes" />
          {block.children.length > 0 && <Fact label="Children" value={String(block.children.length)} />}
        </dl>
        <FreezeControl block={block} />
      </section>
      {block.children.length === 0 && block.nodeIds.length === 1 && index.nodes.get(block.nodeIds[0]) && <NodeDetailsSection node={index.nodes.get(block.nodeIds[0])!} />}
      <Tensors title="Inputs" tensors={block.inputs} />
      <Tensors title="Outputs" tensors={block.outputs} />
      {head && <HeadSection head={head} />}
      {recurrent.map((r) => (
        <RecurrentSection key={r.nodeId} info={r} />
      ))}
    </>
  );
}

/** The block's trainable state and the button that flips it. */
function FreezeControl({ block }: { block: BlockView }) {
  const surgery = useStudio((s) => s.surgery);
  const applyEdit = useStudio((s) => s.applyEdit);
  const editing = useStudio((s) => s.editing);
  const state = freezeState(block, surgery);
  if (state === 'none') return <p className="muted">No parameters: nothing to freeze.</p>;
  const trainable = surgery?.trainableByBlock[block.path] ?? 0;
  const freeze = state !== 'frozen';
  return (
    <div className="freeze-control">
      <span className={`badge state-${state}`} data-testid="inspector-state">
        {state === 'partial' ? `partly frozen (${compactCount(trainable)} train)` : state}
      </span>
      <button type="button" disabled={editing} data-testid="inspector-freeze" onClick={() => void applyEdit(`${freeze ? 'Freeze' : 'Unfreeze'} ${block.name}`, [{ kind: freeze ? 'freeze' : 'unfreeze', blocks: [block.path] }])}>
        {freeze ? 'Freeze' : 'Unfreeze'} {block.name}
      </button>
    </div>
  );
}

function HeadSection({ head }: { head: HeadInfo }) {
  // One output predicts a value (the adding problem's sum), not classes.
  const regression = useStudio((s) => s.dataset?.task === 'regression') || head.outFeatures === 1;
  return (
    <section data-testid="inspector-head">
      <h3>{regression ? 'Regression head (one output)' : 'Classification head'}</h3>
      <dl className="facts">
        <Fact label="Op" value={head.opType} />
        <Fact label="Features" value={`${head.inFeatures} → ${head.outFeatures}`} />
        <Fact label="Weight" value={head.weight} />
        <Fact label="Bias" value={head.bias ?? 'none'} />
        <Fact label="Softmax" value={head.softmaxNodeId ? 'yes (removed for training)' : 'no'} />
      </dl>
    </section>
  );
}

function RecurrentSection({ info }: { info: RecurrentInfo }) {
  return (
    <section data-testid="inspector-recurrent">
      <h3>Recurrent cell</h3>
      <dl className="facts">
        <Fact label="Cell" value={info.cell} />
        <Fact label="Hidden" value={String(info.hiddenSize)} />
        <Fact label="Input" value={info.inputSize === null ? '?' : String(info.inputSize)} />
        <Fact label="Direction" value={info.direction} />
      </dl>
    </section>
  );
}

function ModelDetails({ model }: { model: ModelView }) {
  const s = model.summary;
  const ops = Object.entries(s.opCounts).sort((a, b) => b[1] - a[1]);
  return (
    <>
      <section>
        <h2>{s.fileName}</h2>
        <dl className="facts">
          <Fact label="Params" value={`${exactCount(s.totalParams)} (${compactCount(s.totalParams)})`} />
          <Fact label="Nodes" value={exactCount(s.nodeCount)} />
          <Fact label="File" value={formatBytes(s.fileBytes)} />
          <Fact label="Producer" value={s.producer || 'unknown'} />
          <Fact label="Opsets" value={Object.entries(s.opsets).map(([d, v]) => `${d || 'ai.onnx'} ${v}`).join(', ') || '?'} />
        </dl>
      </section>
      <Tensors title="Inputs" tensors={s.inputs} />
      <Tensors title="Outputs" tensors={s.outputs} />
      {s.head && <HeadSection head={s.head} />}
      {s.recurrent.map((r) => (
        <RecurrentSection key={r.nodeId} info={r} />
      ))}
      <section>
        <h3>Operators</h3>
        <ul className="op-counts">
          {ops.map(([op, n]) => (
            <li key={op}>
              <span>{op}</span>
              <span className="muted">{n}</span>
            </li>
          ))}
        </ul>
      </section>
      <p className="hint">Select a block to see its shapes and parameters. Double-click a block, or use its chevron, to open it.</p>
    </>
  );
}
