// The layer rules of DESIGN.md are lint rules; this proves they bite in both directions.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './test-support/fixtures.js';

const eslint = new ESLint({ cwd: repoRoot });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.message.includes('layer rule')).map((m) => m.message);
}

describe('layer rules', () => {
  const refused: [string, string][] = [
    ['src-main/core/ir/x.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n"],
    ['src-main/core/ir/x.ts', "import { readFileSync } from 'fs';\nexport const f = readFileSync;\n"],
    ['src-main/core/ir/x.ts', "import { readModelFile } from '../../node/model-file.js';\nexport const f = readModelFile;\n"],
    ['src-main/core/ir/x.ts', "import * as ort from 'onnxruntime-node';\nexport const f = ort;\n"],
    ['src-main/node/x.ts', "import { startServer } from '../server/server.js';\nexport const f = startServer;\n"],
    ['src-main/node/x.ts', "import { app } from 'electron';\nexport const f = app;\n"],
    ['src-main/node/x.ts', "import { createWindow } from '../electron/main.js';\nexport const f = createWindow;\n"],
    ['src-main/api/x.ts', "import { readModelFile } from '../node/model-file.js';\nexport const f = readModelFile;\n"],
    ['src-main/server/x.ts', "import { inspectCommand } from '../cli/inspect.js';\nexport const f = inspectCommand;\n"],
    ['src-main/api/x.ts', "import { GraftError } from '../core/errors.js';\nexport const f = GraftError;\n"],
    ['src-renderer/src/x.ts', "import { GraftError } from '../../src-main/core/errors.js';\nexport const f = GraftError;\n"],
    ['src-renderer/src/x.ts', "import { API_METHODS } from '../../src-main/api/contract.js';\nexport const f = API_METHODS;\n"],
    ['src-renderer/src/x.ts', "import { checkCall } from '../../src-main/api/validate.js';\nexport const f = checkCall;\n"],
    ['src-renderer/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n"],
  ];
  for (const [file, code] of refused) {
    it(`refuses in ${file}: ${code.split('\n')[0]}`, async () => {
      expect(await layerErrors(file, code)).not.toEqual([]);
    });
  }

  const allowed: [string, string][] = [
    ['src-main/node/x.ts', "import { GraftError } from '../core/errors.js';\nexport const f = GraftError;\n"],
    ['src-main/api/x.ts', "import type { Block } from '../core/blocks/types.js';\nexport type F = Block;\n"],
    ['src-main/cli/x.ts', "import { readModelFile } from '../node/model-file.js';\nexport const f = readModelFile;\n"],
    ['src-main/preload/x.ts', "import { contextBridge } from 'electron';\nexport const f = contextBridge;\n"],
    ['src-main/server/x.ts', "import { createStudioService } from '../node/studio/service.js';\nexport const f = createStudioService;\n"],
    ['src-renderer/src/x.ts', "import type { ModelView } from '../../src-main/api/contract.js';\nexport type F = ModelView;\n"],
    ['src-renderer/src/x.ts', "import { foldTrainEvent } from '../../src-main/api/run-fold.js';\nexport const f = foldTrainEvent;\n"],
    ['src-renderer/src/x.ts', "import { gradientCompareSentence } from '../../src-main/api/run-words.js';\nexport const f = gradientCompareSentence;\n"],
  ];
  for (const [file, code] of allowed) {
    it(`allows in ${file}: ${code.split('\n')[0]}`, async () => {
      expect(await layerErrors(file, code)).toEqual([]);
    });
  }
});
