// buildBlockTree: pick the richest source of structure the file offers, then assemble.
import type { Graph } from '../ir/graph.js';
import { matchHead } from './head.js';
import { assignKinds } from './kinds.js';
import { parameterModuleDepth, parameterNamePlacement, withLayerLeaves } from './param-names.js';
import type { Placement } from './placement.js';
import { nodeScopes, scopeDepth, scopePlacement } from './scopes.js';
import { graphFacts } from './structure.js';
import { addSubgraphBlocks } from './subgraphs.js';
import { topologyPlacement } from './topology.js';
import { assembleTree } from './tree.js';
import type { BlockTree } from './types.js';
import { findUnits } from './units.js';

export interface BlockTreeOptions {
  /**
   * Where the hierarchy comes from. 'auto' (default) uses full scopes in node names when they
   * nest, else module paths in parameter names, else flat scopes, else topology.
   */
  strategy?: 'auto' | 'names' | 'topology';
}

export function buildBlockTree(graph: Graph, options: BlockTreeOptions = {}): BlockTree {
  const facts = graphFacts(graph);
  const units = findUnits(graph.nodes, facts);
  const placement = choosePlacement(graph, facts, units, options.strategy ?? 'auto');
  const tree = assembleTree(graph, facts, placement);
  assignKinds({ graph, tree, units, head: matchHead(graph), known: placement.kinds });
  addSubgraphBlocks(graph, tree.blocks, tree.blockOfNode);
  return tree;
}

function choosePlacement(graph: Graph, facts: ReturnType<typeof graphFacts>, units: ReturnType<typeof findUnits>, strategy: string): Placement {
  if (strategy === 'topology') return withLayerLeaves(topologyPlacement(graph, facts, units));
  const scopes = nodeScopes(graph, facts);
  if (scopeDepth(scopes) >= 2) return scopePlacement(scopes);
  if (parameterModuleDepth(graph) >= 2) return parameterNamePlacement(graph, facts, scopes);
  if (scopeDepth(scopes) === 1 || strategy === 'names') return scopePlacement(scopes);
  return withLayerLeaves(topologyPlacement(graph, facts, units));
}
