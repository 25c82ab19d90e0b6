// Lint, including the layer rules of DESIGN.md: imports point down only
// (renderer -> api types and the run fold; electron/server/cli -> node -> core). A wrong-way import is an
// error, not a review comment. The rules are tested in src-main/layers.test.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Folders of src-main that a layer must not import. */
function forbidLayers(...layers) {
  // Relative paths only, so that the `electron` package is not mistaken for src-main/electron.
  return layers.map((layer) => ({
    regex: `^(\\.{1,2}/)+(.*/)?${layer}(/.*)?$`,
    message: `layer rule: this layer must not import src-main/${layer} (see DESIGN.md "Layers")`,
  }));
}

const electronOnly = { name: 'electron', message: 'layer rule: only src-main/electron and src-main/preload may import electron' };

function restrict({ paths = [], patterns = [] }) {
  return { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'scratch/', 'test-results/', 'playwright-report/', 'e2e/artifacts/', 'src-main/core/onnx/gen/', '.gpu/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.js', 'bin/**', 'scripts/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['src-main/core/**/*.ts'],
    rules: restrict({
      paths: [
        ...nodeBuiltins.map((name) => ({ name, message: 'layer rule: core/ is pure TypeScript, no Node modules' })),
        { name: 'onnxruntime-node', message: 'layer rule: core/ must not run sessions; that is node/' },
        { name: 'ws', message: 'layer rule: core/ has no transports' },
        electronOnly,
      ],
      patterns: forbidLayers('node', 'api', 'electron', 'preload', 'server', 'cli'),
    }),
  },
  {
    files: ['src-main/api/**/*.ts'],
    rules: restrict({
      paths: [...nodeBuiltins.map((name) => ({ name, message: 'layer rule: api/ is a contract, no Node modules' })), electronOnly],
      patterns: [
        ...forbidLayers('node', 'electron', 'preload', 'server', 'cli'),
        // The contract names core's data types; it must not pull core's code into the UI.
        { regex: '^(\\.{1,2}/)+(.*/)?core(/.*)?$', allowTypeImports: true, message: 'layer rule: api/ takes only types from core/' },
      ],
    }),
  },
  {
    files: ['src-main/node/**/*.ts'],
    rules: restrict({ paths: [electronOnly], patterns: forbidLayers('electron', 'preload', 'server', 'cli') }),
  },
  {
    files: ['src-main/server/**/*.ts'],
    rules: restrict({ paths: [electronOnly], patterns: forbidLayers('electron', 'preload', 'cli') }),
  },
  {
    files: ['src-main/cli/**/*.ts'],
    rules: restrict({ paths: [electronOnly], patterns: forbidLayers('electron', 'preload') }),
  },
  {
    files: ['src-main/electron/**/*.ts'],
    rules: restrict({ patterns: forbidLayers('server', 'cli', 'preload') }),
  },
  {
    files: ['src-main/preload/**/*.ts'],
    rules: restrict({ patterns: forbidLayers('core', 'node', 'server', 'cli', 'electron') }),
  },
  {
    // Tests check a layer from outside: they may use Node, onnxruntime and the fixtures.
    files: ['**/*.test.ts', 'src-main/test-support/**'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    // The renderer talks to the engine through the API only, and takes only its types.
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'layer rule: the renderer has no Node modules' })),
          patterns: [
            {
              group: ['**/src-main/*', '!**/src-main/api', '**/src-main/*/**', '!**/src-main/api/**'],
              message: 'layer rule: the renderer may import only src-main/api',
            },
            {
              // Besides types, only the pure run fold, which the engine and the page share.
              group: ['**/src-main/api/**', '!**/src-main/api/run-fold.js', '!**/src-main/api/compare.js', '!**/src-main/api/run-words.js'],
              allowTypeImports: true,
              message: 'layer rule: the renderer takes only types (and the pure run fold, comparison and run words) from src-main/api',
            },
          ],
        },
      ],
    },
  },
);
