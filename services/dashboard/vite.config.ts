import { defineConfig } from 'vite';

// The API serves dist/ on its own origin; `pnpm dev` proxies API calls to a local API instead.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:3000', '/admin': 'http://127.0.0.1:3000' },
  },
});
