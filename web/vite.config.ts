// The console's web UI: `npm run build:web` writes dist/console-web (served by `plinth console`).
// `npx vite --config web/vite.config.ts` serves it for development, proxying /api to a running console
// (PLINTH_CONSOLE_URL, default http://127.0.0.1:8443).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const target = process.env.PLINTH_CONSOLE_URL ?? 'http://127.0.0.1:8443';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console-web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
  },
  server: { proxy: { '/api': { target, changeOrigin: false } } },
});
