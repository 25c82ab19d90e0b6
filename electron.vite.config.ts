// Desktop build: main (ESM) with the engine's worker entries beside it, preload (CommonJS,
// as sandboxed preloads must be) and the renderer.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const at = (p: string) => resolve(root, p);

export default defineConfig({
  main: {
    build: {
      outDir: at('out/main'),
      rollupOptions: {
        input: {
          index: at('src-main/electron/main.ts'),
          // node/worker-process.ts looks for `<name>.js` beside the bundled main.
          probe: at('src-main/node/workers/probe.ts'),
          trainer: at('src-main/node/workers/trainer.ts'),
          datasets: at('src-main/node/workers/datasets.ts'),
          predict: at('src-main/node/workers/predict.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: at('out/preload'),
      rollupOptions: {
        input: { index: at('src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: at('src-renderer'),
    plugins: [react()],
    build: {
      outDir: at('out/renderer'),
      chunkSizeWarningLimit: 4096,
      rollupOptions: { input: at('src-renderer/index.html') },
    },
  },
});
