// The renderer as a plain web app, served by `graft serve` (and driven by the e2e tests).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./out/web'),
    emptyOutDir: true,
    // ELK alone is ~1.6 MB; one chunk is fine for a local app.
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
  },
});
