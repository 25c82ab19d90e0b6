// LSTM, GRU and RNN. With layout 0 (the default) X is [seq, batch, input],
// Y is [seq, num_directions, batch, hidden] and Y_h / Y_c are [num_directions, batch, hidden];
// layout 1 puts batch first everywhere: X [batch, seq, input], Y [batch, seq, nd, hidden],
// Y_h [batch, nd, hidden].
import type { Dim } from '../../ir/graph.js';
import { getInt, getString } from '../../ir/attributes.js';
import type { RuleContext, ShapeRule } from '../context.js';
import { formatShape } from '../context.js';
import { divDimExact } from '../symbolic.js';

const GATES: Record<string, number> = { LSTM: 4, GRU: 3, RNN: 1 };

const recurrent: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  if (x.length !== 3) ctx.fail(`X ${formatShape(x)} must be 3-D`);
  const layout = getInt(ctx.node, 'layout', 0);
  const [seq, batch] = layout === 0 ? [x[0], x[1]] : [x[1], x[0]];
  const direction = getString(ctx.node, 'direction', 'forward');
  const nd = direction === 'bidirectional' ? 2 : 1;
  const w = ctx.shape(1);
  if (w && typeof w[0] === 'number' && w[0] !== nd) ctx.fail(`W ${formatShape(w)} is for ${w[0]} directions, direction "${direction}" has ${nd}`);
  if (w && typeof w[2] === 'number' && typeof x[2] === 'number' && w[2] !== x[2]) {
    ctx.fail(`X has input size ${x[2]} but W ${formatShape(w)} expects ${w[2]}`);
  }
  const hidden: Dim = getInt(ctx.node, 'hidden_size') ?? (w ? divDimExact(w[1], GATES[ctx.node.opType]) : null);
  const t = ctx.elemType(0);
  ctx.setOutput(0, t, layout === 0 ? [seq, nd, batch, hidden] : [batch, seq, nd, hidden]);
  const state = layout === 0 ? [nd, batch, hidden] : [batch, nd, hidden];
  ctx.setOutput(1, t, state);
  ctx.setOutput(2, t, state); // LSTM's Y_c
};

export const recurrentRules: Record<string, ShapeRule> = { LSTM: recurrent, GRU: recurrent, RNN: recurrent };
