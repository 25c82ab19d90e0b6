// Two pages saving one project at once (two tabs, or Save as racing autosave): after 100
// concurrent saveProject calls from two clients, project.json is readable every time and
// holds one of the states that were sent.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { ProjectState } from '../api/studio-types.js';
import { createStudioService, type StudioService } from '../node/studio/service.js';
import { bearer, http, openSocket, rpc, tokenProtocols } from '../test-support/serve-client.js';
import { startServer, type RunningServer } from './server.js';

const ROUNDS = 5;
const SAVES = 100;

let base: string;
let service: StudioService;
let server: RunningServer;
let clients: WebSocket[];

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'graft-saves-'));
  mkdirSync(join(base, 'web'));
  writeFileSync(join(base, 'web', 'index.html'), '<!doctype html>');
  service = createStudioService({ mode: 'serve', initialModel: null, roots: [], workspace: join(base, 'ws') });
  server = await startServer({ service, hooks: service, staticDir: join(base, 'web') });
  const headers = { origin: `http://127.0.0.1:${server.port}` };
  clients = await Promise.all(
    [0, 1].map(async () => {
      const ws = await openSocket(server.port, headers, '/api', tokenProtocols(server.token));
      if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
      return ws;
    }),
  );
});

afterAll(async () => {
  for (const ws of clients) ws.close();
  await server.close();
  service.close();
  rmSync(base, { recursive: true, force: true });
});

/** A project state that says who saved it, with a body of some size so writes take time. */
function state(round: number, n: number): ProjectState {
  return {
    name: 'shared',
    model: `/models/m${n}.onnx`,
    edits: Array.from({ length: 50 }, (_, i) => ({ kind: 'freeze', blocks: [`round${round}/save${n}/block${i}`] })),
    data: null,
    dataOptions: { classes: null, perClassLimit: null, valFraction: 0.1, seed: n },
    train: { epochs: 1 + (n % 7) },
  };
}

describe('100 concurrent saves from two clients', () => {
  it(`leave a readable project.json every time (${ROUNDS} rounds)`, async () => {
    const file = join(base, 'ws', 'projects', 'shared', 'project.json');
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const answers = await Promise.all(
        Array.from({ length: SAVES }, (_, n) => {
          const id = round * SAVES + n + 1;
          return rpc(clients[n % 2], id, JSON.stringify({ id, method: 'saveProject', params: [{ project: state(round, n) }] }));
        }),
      );
      for (const a of answers) if (!a.ok) failures.push(`round ${round}: ${a.error.code}: ${a.error.message}`);
      const stored = JSON.parse(readFileSync(file, 'utf8')) as ProjectState;
      const n = stored.dataOptions.seed;
      expect(stored).toMatchObject(state(round, n));
    }
    expect(failures).toEqual([]);
    // And the studio reopens it.
    const loaded = await rpc(clients[0], 1e6, JSON.stringify({ id: 1e6, method: 'loadProject', params: [{ name: 'shared' }] }));
    expect(loaded).toMatchObject({ ok: true, result: { project: { name: 'shared' } } });
    expect((await http(server.port, 'GET', '/api', bearer(server.token))).status).toBe(426);
  });
});
