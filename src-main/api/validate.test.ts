import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from './training.js';
import { checkCall, checkTrainConfig } from './validate.js';
import type { CallCheck } from './validate.js';

/** The rebuilt params of an accepted call (fails the test when refused). */
function accepted(check: CallCheck): unknown[] {
  if (!check.ok) throw new Error(`refused: ${check.error.message}`);
  return check.params;
}

/** The message of a refused call (fails the test when accepted). */
function refused(check: CallCheck): string {
  if (check.ok) throw new Error(`accepted: ${JSON.stringify(check.params)}`);
  expect(check.error.code).toBe('invalid-request');
  return check.error.message;
}

const dataOptions = { classes: [5, 6], perClassLimit: 10, valFraction: 0.1, seed: 0 };

describe('checkCall: methods and params', () => {
  it('refuses unknown methods, including inherited object properties', () => {
    expect(refused(checkCall('deleteEverything', []))).toMatch(/unknown method "deleteEverything"/);
    for (const m of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(refused(checkCall(m, []))).toMatch(/unknown method/);
    expect(refused(checkCall(42, []))).toMatch(/unknown method "42"/);
    expect(refused(checkCall(undefined, []))).toMatch(/unknown method/);
  });

  it('caps the echoed method name', () => {
    const msg = refused(checkCall('x'.repeat(10_000), []));
    expect(msg.length).toBeLessThan(120);
  });

  it('refuses params that are not an array', () => {
    expect(refused(checkCall('appInfo', {}))).toBe('params of appInfo must be an array');
    expect(refused(checkCall('openModel', { path: '/a' }))).toMatch(/must be an array/);
    expect(refused(checkCall('listRuns', null))).toMatch(/must be an array/);
  });

  it('gives parameterless methods no params, whatever arrived', () => {
    expect(accepted(checkCall('appInfo', [1, 2, { evil: true }]))).toEqual([]);
    expect(accepted(checkCall('listProjects', []))).toEqual([]);
  });
});

describe('openModel', () => {
  it('accepts a path and an edit list, and defaults the edits to []', () => {
    expect(accepted(checkCall('openModel', [{ path: '/m/a.onnx' }]))).toEqual([{ path: '/m/a.onnx', edits: [] }]);
    const edits = [
      { kind: 'swap-head', classes: 5, seed: 0 },
      { kind: 'freeze-preset', preset: 'feature-extraction' },
    ];
    expect(accepted(checkCall('openModel', [{ path: '/m/a.onnx', edits }]))).toEqual([{ path: '/m/a.onnx', edits }]);
  });

  it('refuses a missing request, a non-string, empty, NUL-carrying or overlong path', () => {
    expect(refused(checkCall('openModel', []))).toBe('openModel: the request must be an object');
    expect(refused(checkCall('openModel', [['/a']]))).toMatch(/the request must be an object/);
    expect(refused(checkCall('openModel', [{ path: 42 }]))).toBe('openModel: path must be a non-empty string path');
    expect(refused(checkCall('openModel', [{ path: '' }]))).toMatch(/non-empty string path/);
    expect(refused(checkCall('openModel', [{ path: '/a\0.onnx' }]))).toBe('openModel: path: path is not acceptable');
    expect(refused(checkCall('openModel', [{ path: `/${'a'.repeat(4096)}` }]))).toMatch(/path is not acceptable/);
    // The longest acceptable path is still accepted.
    expect(accepted(checkCall('openModel', [{ path: 'a'.repeat(4096) }]))).toHaveLength(1);
  });

  it('refuses edit lists that are not lists of edit records, naming the edit', () => {
    // Field-level checks of each edit happen where the edits are replayed (core's applyEdits;
    // see service.test.ts); the transport refuses what is not an edit record at all.
    expect(refused(checkCall('openModel', [{ path: '/a', edits: [null] }]))).toMatch(/^openModel: edit 1 must be an object/);
    expect(refused(checkCall('openModel', [{ path: '/a', edits: [{ kind: 'remove-softmax' }, 'swap-head'] }]))).toMatch(/edit 2 must be an object/);
    expect(refused(checkCall('openModel', [{ path: '/a', edits: [{ classes: 5, seed: 0 }] }]))).toMatch(/edit 1 needs a "kind"/);
    expect(refused(checkCall('openModel', [{ path: '/a', edits: [{ kind: 3 }] }]))).toMatch(/edit 1 needs a "kind"/);
    expect(refused(checkCall('openModel', [{ path: '/a', edits: { kind: 'remove-softmax' } }]))).toMatch(/edits must be a list/);
    expect(refused(checkCall('openModel', [{ path: '/a', edits: Array(1001).fill({ kind: 'remove-softmax' }) }]))).toMatch(/at most 1000/);
    expect(accepted(checkCall('openModel', [{ path: '/a', edits: Array(1000).fill({ kind: 'remove-softmax' }) }]))).toHaveLength(1);
  });

  it('drops fields the contract does not know', () => {
    const [req] = accepted(checkCall('openModel', [{ path: '/a', edits: [], evil: 1 }])) as Record<string, unknown>[];
    expect(req).toEqual({ path: '/a', edits: [] });
    expect('evil' in req).toBe(false);
  });

  it('passes the edits on as plain data, not the caller\'s objects', () => {
    const edit = { kind: 'remove-softmax' };
    const [req] = accepted(checkCall('openModel', [{ path: '/a', edits: [edit] }])) as { edits: unknown[] }[];
    expect(req.edits).toEqual([edit]);
    expect(req.edits[0]).not.toBe(edit);
  });
});

describe('the other requests', () => {
  it('rebuilds dataset requests and refuses bad options, splits and indices', () => {
    const req = { path: '/d', model: '/m.onnx', options: { ...dataOptions, extra: 1 }, split: 'val', indices: [0, 3], evil: true };
    expect(accepted(checkCall('datasetSamples', [req]))).toEqual([{ path: '/d', model: '/m.onnx', options: dataOptions, split: 'val', indices: [0, 3] }]);
    expect(accepted(checkCall('openDataset', [{ path: '/d', model: '/m.onnx', options: { valFraction: 0, seed: 1 } }]))).toEqual([
      { path: '/d', model: '/m.onnx', options: { classes: null, perClassLimit: null, valFraction: 0, seed: 1 } },
    ]);
    expect(refused(checkCall('datasetSamples', [{ ...req, split: 'all' }]))).toMatch(/split must be one of train, val, test/);
    expect(refused(checkCall('datasetSamples', [{ ...req, indices: [-1] }]))).toMatch(/indices\[0\]/);
    expect(refused(checkCall('datasetSamples', [{ ...req, indices: Array(257).fill(0) }]))).toMatch(/at most 256/);
    expect(refused(checkCall('openDataset', [{ path: '/d', model: '/m.onnx', options: { ...dataOptions, valFraction: 0.95 } }]))).toMatch(/options.valFraction/);
    expect(refused(checkCall('openDataset', [{ path: '/d', model: '/m.onnx', options: { ...dataOptions, classes: [1.5] } }]))).toMatch(/options.classes\[0\]/);
    expect(refused(checkCall('openDataset', [{ path: '/d', model: '/m.onnx', options: { ...dataOptions, perClassLimit: 0 } }]))).toMatch(/options.perClassLimit/);
    expect(refused(checkCall('openDataset', [{ path: '/d', options: dataOptions }]))).toMatch(/model must be a non-empty string path/);
  });

  it('passes a dataset request\'s progress ticket on when it is a short token, and refuses others', () => {
    const req = { path: '/d', model: '/m.onnx', options: { valFraction: 0, seed: 1 } };
    expect((accepted(checkCall('openDataset', [{ ...req, ticket: 'k3x9a-12' }]))[0] as { ticket?: string }).ticket).toBe('k3x9a-12');
    expect(accepted(checkCall('openDataset', [req]))[0]).not.toHaveProperty('ticket');
    const samples = { ...req, split: 'train', indices: [0] };
    expect((accepted(checkCall('datasetSamples', [{ ...samples, ticket: 'p-2' }]))[0] as { ticket?: string }).ticket).toBe('p-2');
    for (const bad of ['', 'x'.repeat(65), 'a b', '../x', 7, {}]) expect(refused(checkCall('openDataset', [{ ...req, ticket: bad }]))).toMatch(/ticket must be/);
  });

  it('controlRun and exportRun accept only run ids, never paths', () => {
    expect(accepted(checkCall('controlRun', [{ id: 'lx3k2-a1b2c3', action: 'pause' }]))).toEqual([{ id: 'lx3k2-a1b2c3', action: 'pause' }]);
    for (const id of ['../x', 'a/b', '..', 'a..b', 'A', '', 'x'.repeat(65), 7]) {
      expect(refused(checkCall('controlRun', [{ id, action: 'stop' }])), String(id)).toMatch(/id must be a run id/);
      expect(refused(checkCall('exportRun', [{ id, path: '/out/m.onnx' }])), String(id)).toMatch(/id must be a run id/);
    }
    expect(refused(checkCall('controlRun', [{ id: 'abc', action: 'kill' }]))).toMatch(/action must be one of pause, resume, stop/);
  });

  it('browse and loadProject accept null', () => {
    expect(accepted(checkCall('browse', [{ path: null }]))).toEqual([{ path: null }]);
    expect(accepted(checkCall('browse', [{}]))).toEqual([{ path: null }]);
    expect(accepted(checkCall('loadProject', [{ name: null }]))).toEqual([{ name: null }]);
    expect(accepted(checkCall('loadProject', [{ name: 'my project-2.v1' }]))).toEqual([{ name: 'my project-2.v1' }]);
    expect(refused(checkCall('loadProject', [{ name: '../x' }]))).toMatch(/name must be 1-64/);
  });

  it('saveProject refuses names that are not plain folder names', () => {
    const project = { name: 'ok', model: '/m.onnx', edits: [], data: null, dataOptions, train: { epochs: 3 } };
    expect(accepted(checkCall('saveProject', [{ project }]))).toEqual([{ project }]);
    expect(accepted(checkCall('saveProject', [{ project: { ...project, name: 'Projekt über 1' } }]))).toHaveLength(1);
    for (const name of ['../x', '.hidden', 'a/b', 'a\\b', '..', '.', '', 'x'.repeat(65), 'a\0b', 'a:b', 42]) {
      expect(refused(checkCall('saveProject', [{ project: { ...project, name } }])), String(name)).toMatch(/project.name must be 1-64/);
    }
  });

  it('saveProject keeps only plain data of the training settings and checks the rest', () => {
    const train = { epochs: 3, lr: 0.1, get evil() { return 'getter'; } };
    const [{ project }] = accepted(checkCall('saveProject', [{ project: { name: 'p', model: null, data: null, dataOptions, train, extra: 1 } }])) as { project: Record<string, unknown> }[];
    expect(project).toEqual({ name: 'p', model: null, edits: [], data: null, dataOptions, train: { epochs: 3, lr: 0.1, evil: 'getter' } });
    expect(Object.getOwnPropertyDescriptor(project.train, 'evil')?.get).toBeUndefined();
    expect(refused(checkCall('saveProject', [{ project: { name: 'p', model: '/a\0', data: null, dataOptions } }]))).toMatch(/project.model/);
    expect(refused(checkCall('saveProject', [{ project: { name: 'p', model: null, data: null, dataOptions, train: 'x' } }]))).toMatch(/project.train must be an object/);
  });
});

describe('startRun: checkTrainConfig', () => {
  const base = { model: '/m.onnx', data: { path: '/d', options: { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 } } };

  it('fills every missing setting from DEFAULT_TRAIN_CONFIG', () => {
    const [{ config }] = accepted(checkCall('startRun', [{ config: base }])) as { config: TrainConfig }[];
    expect(config).toEqual({ ...DEFAULT_TRAIN_CONFIG, ...base });
    // Every key of the contract is present, none besides.
    expect(Object.keys(config).sort()).toEqual(Object.keys({ ...DEFAULT_TRAIN_CONFIG, ...base }).sort());
  });

  it('keeps the caller\'s valid settings', () => {
    const settings = {
      edits: [{ kind: 'swap-head', classes: 5, seed: 0 }, { kind: 'freeze-preset', preset: 'none' }, { kind: 'unfreeze', blocks: ['features/conv2', 'classifier'] }],
      reinit: true,
      data: { path: '/d', options: { classes: [5, 6, 7], perClassLimit: 50, valFraction: 0.2, seed: 3 } },
      epochs: 2,
      batchSize: 8,
      optimizer: 'adamw',
      lr: 0.003,
      schedule: 'one-cycle',
      clipNorm: 1,
      lrMultipliers: { features: 0.1 },
      earlyStopPatience: 3,
    };
    expect(checkTrainConfig({ ...base, ...settings })).toMatchObject({ ...settings, momentum: DEFAULT_TRAIN_CONFIG.momentum });
  });

  it('refuses bad learning rates, epochs, optimizers and other settings, naming the field', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ lr: -0.1 }, /config\.lr must be a number in \[0, 100\]/],
      [{ lr: Number.NaN }, /config\.lr/],
      [{ lr: '0.1' }, /config\.lr/],
      [{ lr: 1e9 }, /config\.lr/],
      [{ epochs: 0 }, /config\.epochs must be a whole number/],
      [{ epochs: 2.5 }, /config\.epochs/],
      [{ epochs: 1e6 }, /config\.epochs/],
      [{ optimizer: 'adam' }, /config\.optimizer must be one of sgd, adamw/],
      [{ schedule: 'linear' }, /config\.schedule/],
      [{ reinit: 'yes' }, /config\.reinit must be true or false/],
      [{ data: '/d' }, /config\.data must be an object/],
      [{ data: { path: '/d', options: { ...base.data.options, valFraction: 2 } } }, /options\.valFraction/],
      [{ augment: 'yes' }, /config\.augment must be true or false/],
      [{ batchSize: 0 }, /config\.batchSize/],
      [{ lrMultipliers: { features: -1 } }, /config\.lrMultipliers\["features"\]/],
      [{ lrMultipliers: [] }, /config\.lrMultipliers must be an object/],
      [{ edits: [{ seed: 0 }] }, /edit 1 needs a "kind"/],
      [{ model: '' }, /config\.model/],
      [{ data: { path: 'a\0b', options: base.data.options } }, /config\.data\.path/],
    ];
    for (const [over, re] of bad) {
      expect(refused(checkCall('startRun', [{ config: { ...base, ...over } }])), JSON.stringify(over)).toMatch(re);
    }
    expect(refused(checkCall('startRun', [{ config: null }]))).toMatch(/config must be an object/);
    expect(refused(checkCall('startRun', [{}]))).toMatch(/config must be an object/);
  });

  it('forces checkpointDir, resumeDir and exportPath to null: where a run writes is the engine\'s choice', () => {
    const c = checkTrainConfig({ ...base, checkpointDir: '/etc/cron.d', resumeDir: '/tmp/evil', exportPath: '/home/u/.bashrc' });
    expect(c.checkpointDir).toBeNull();
    expect(c.resumeDir).toBeNull();
    expect(c.exportPath).toBeNull();
  });

  it('drops unknown config fields', () => {
    const c = checkTrainConfig({ ...base, evil: 1, __proto__: { polluted: true } }) as unknown as Record<string, unknown>;
    expect('evil' in c).toBe(false);
    expect(c.polluted).toBeUndefined();
  });
});

describe('deeply nested data', () => {
  /** An array nested `depth` deep: 6,000 levels are a 12 KB message. */
  const nested = (depth: number): unknown => {
    let x: unknown = 0;
    for (let i = 0; i < depth; i++) x = [x];
    return x;
  };
  const project = (over: Record<string, unknown>) => ({ name: 'p', model: null, edits: [], data: null, dataOptions, train: {}, ...over });

  it('refuses 6,000 levels in openModel, saveProject and startRun with a clear reason (no stack overflow)', () => {
    const deep = nested(6000);
    const calls: [string, unknown[]][] = [
      ['openModel', [{ path: '/m.onnx', edits: [{ kind: 'freeze', blocks: deep }] }]],
      ['saveProject', [{ project: project({ edits: [{ kind: 'freeze', blocks: deep }] }) }]],
      ['saveProject', [{ project: project({ train: { epochs: deep } }) }]],
      ['startRun', [{ config: { model: '/m.onnx', data: { path: '/d', options: { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 } }, edits: [{ kind: 'swap-head', classes: deep }] } }]],
    ];
    for (const [method, params] of calls) expect(refused(checkCall(method, params)), method).toMatch(/nested more than 32 levels deep/);
  });

  it('keeps data nested within the bound, as JSON would carry it', () => {
    const edits = [{ kind: 'freeze', blocks: nested(30), skip: undefined, n: Infinity }];
    const [req] = accepted(checkCall('openModel', [{ path: '/m.onnx', edits }])) as { edits: unknown[] }[];
    expect(req.edits).toEqual(JSON.parse(JSON.stringify(edits)));
  });
});

describe('tryRun and renamed classes', () => {
  it('takes images by path and samples by split and index, rebuilt field by field', () => {
    const [req] = accepted(checkCall('tryRun', [{ id: 'abc-123', top: 5, inputs: [{ kind: 'image', path: '/u/a.png', extra: 1 }, { kind: 'sample', split: 'test', index: 4 }] }]));
    expect(req).toEqual({ id: 'abc-123', top: 5, inputs: [{ kind: 'image', path: '/u/a.png' }, { kind: 'sample', split: 'test', index: 4 }] });
    expect(refused(checkCall('tryRun', [{ id: 'abc', top: 5, inputs: [] }]))).toMatch(/inputs must be a list of 1 to 32/);
    expect(refused(checkCall('tryRun', [{ id: 'abc', top: 5, inputs: Array.from({ length: 33 }, () => ({ kind: 'sample', split: 'test', index: 0 })) }]))).toMatch(/1 to 32/);
    expect(refused(checkCall('tryRun', [{ id: 'abc', top: 0, inputs: [{ kind: 'sample', split: 'test', index: 0 }] }]))).toMatch(/top must be a whole number/);
    expect(refused(checkCall('tryRun', [{ id: 'abc', top: 3, inputs: [{ kind: 'file', path: '/x' }] }]))).toMatch(/inputs\[0\]\.kind must be one of image, sample/);
  });

  it('keeps renames as own string data, trimmed, and refuses empty names', () => {
    const [req] = accepted(checkCall('openDataset', [{ path: '/d', model: '/m.onnx', options: { ...dataOptions, renames: JSON.parse('{"__proto__": " shoe ", "Bag": "Handbag"}') as object } }]));
    const renames = (req as { options: { renames: Record<string, string> } }).options.renames;
    expect(Object.getPrototypeOf(renames)).toBe(Object.prototype);
    expect(Object.entries(renames)).toEqual([
      ['__proto__', 'shoe'],
      ['Bag', 'Handbag'],
    ]);
    expect(refused(checkCall('openDataset', [{ path: '/d', model: '/m.onnx', options: { ...dataOptions, renames: { Bag: '  ' } } }]))).toMatch(/renames\["Bag"\] must be a name of 1 to 100/);
  });
});

describe('run rename and delete requests', () => {
  it('take a run id and a one-line label, trimmed', () => {
    expect(checkCall('renameRun', [{ id: 'ab-12', label: '  best so far ' }])).toEqual({ ok: true, method: 'renameRun', params: [{ id: 'ab-12', label: 'best so far' }] });
    expect(checkCall('renameRun', [{ id: 'ab-12', label: 'two\nlines' }]).ok).toBe(false);
    expect(checkCall('renameRun', [{ id: 'ab-12', label: '   ' }]).ok).toBe(false);
    expect(checkCall('deleteRun', [{ id: '../../etc' }]).ok).toBe(false);
  });
});
