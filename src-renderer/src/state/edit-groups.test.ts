import { describe, expect, it } from 'vitest';
import type { Edit } from '../../../src-main/api/contract.js';
import { groupsOf } from './edit-groups.js';

describe('groupsOf', () => {
  const edits: Edit[] = [
    { kind: 'freeze-preset', preset: 'full' },
    { kind: 'freeze', blocks: ['a'] },
    { kind: 'swap-head', classes: 3, seed: 0 },
  ];
  it('regroups saved edits into the user actions they came from', () => {
    const g = groupsOf(edits, [
      { label: 'Freeze boundary', count: 2 },
      { label: 'New head', count: 1 },
    ]);
    expect(g.map((x) => [x.label, x.edits.length])).toEqual([
      ['Freeze boundary', 2],
      ['New head', 1],
    ]);
  });
  it('falls back to one group per edit when the saved grouping does not add up', () => {
    expect(groupsOf(edits, [{ label: 'x', count: 2 }]).map((x) => x.label)).toEqual(['Train everything', 'Freeze a', 'New head: Linear → 3 classes']);
  });
});
