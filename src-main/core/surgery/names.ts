// Names for what surgery adds, in the style the model already uses, so that buildBlockTree
// places new nodes in the block they belong to and does not switch to another strategy.
// A node name with a deeper scope, or a parameter name with a deeper module path, than the
// model has would change how the whole tree is derived.
import type { BlockTree } from '../blocks/index.js';

/**
 * - full-scopes: "/layer4/layer4.1/conv2/Conv" (PyTorch >= 2, and hand-built scoped graphs)
 * - innermost: "/conv2_7/Conv", "/classifier.1/Relu" (PyTorch 1.x names the innermost module)
 * - dotted: "layer1.0.conv1.Conv" (no slashes anywhere)
 * - anonymous: names say nothing; the tree comes from topology
 */
export type NamingStyle = 'full-scopes' | 'innermost' | 'dotted' | 'anonymous';

export function namingStyle(tree: BlockTree, anchorName: string): NamingStyle {
  if (tree.source === 'topology' || anchorName === '') return 'anonymous';
  if (!anchorName.includes('/')) return anchorName.includes('.') ? 'dotted' : 'anonymous';
  return tree.source === 'parameter-names' ? 'innermost' : 'full-scopes';
}

/** The PyTorch module path of a block: "layer4/layer4.1/conv2" -> "layer4.1.conv2". */
export function modulePath(blockPath: string): string {
  let module = '';
  for (const seg of blockPath.split('/').filter((s) => s !== '')) {
    // A numbered child already carries its parent's path ("layer4.1" under "layer4").
    module = module === '' || seg.startsWith(`${module}.`) ? seg : `${module}.${seg}`;
  }
  return module;
}

/** "/fc/Gemm" -> "/fc"; "Gemm_3" -> "". */
function scopeOf(nodeName: string): string {
  const at = nodeName.lastIndexOf('/');
  return at >= 0 ? nodeName.slice(0, at) : '';
}

function lastSegment(path: string, separator: string): string {
  return path.slice(path.lastIndexOf(separator) + 1);
}

/**
 * The name of an `opType` node in child `index` of the module whose node is `anchorName`
 * (the old head layer): "/fc/Gemm" -> "/fc/fc.0/Gemm" (full scopes), "/fc.0/Gemm" (innermost).
 */
export function childNodeName(style: NamingStyle, anchorName: string, module: string, index: number, opType: string): string {
  switch (style) {
    case 'anonymous':
      return '';
    case 'dotted':
      return `${module}.${index}.${opType}`;
    case 'innermost': {
      const scope = scopeOf(anchorName);
      const parent = scopeOf(scope);
      return `${parent}/${lastSegment(scope, '/') || module}.${index}/${opType}`;
    }
    case 'full-scopes': {
      const scope = scopeOf(anchorName);
      const own = lastSegment(scope, '/') || module;
      return `${scope}/${own}.${index}/${opType}`;
    }
  }
}

/**
 * A parameter name: "fc.weight", or "fc.0.weight" for child `index`. Without names to go by,
 * modules are joined with "_" ("head_0.weight"): a dotted module path two deep would make
 * the tree switch from topology to parameter-name placement.
 */
export function parameterName(style: NamingStyle, module: string, index: number | null, tensor: 'weight' | 'bias'): string {
  if (style === 'anonymous') {
    const flat = module.replace(/\./g, '_');
    return index === null ? `${flat}.${tensor}` : `${flat}_${index}.${tensor}`;
  }
  return index === null ? `${module}.${tensor}` : `${module}.${index}.${tensor}`;
}

/** The node's name with its op segment replaced: "/relu_16/Relu" -> "/relu_16/Dropout". */
export function siblingNodeName(style: NamingStyle, nodeName: string, opType: string): string {
  if (style === 'anonymous' || nodeName === '') return '';
  if (nodeName.includes('/')) return `${scopeOf(nodeName)}/${opType}`;
  const at = nodeName.lastIndexOf('.');
  return at >= 0 ? `${nodeName.slice(0, at)}.${opType}` : '';
}
