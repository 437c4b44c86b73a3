// The built web console (dist/console-web) in a real Chromium against a console server: builds it with vite,
// launches Debian's chromium (playwright-core, no browser download) and serves the UI's files to the page
// with Playwright's request routing (any non-/api GET → the file, or index.html as the SPA fallback), so the
// page's origin is the console's own and every /api call, the cookie and the event stream go to the server.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const WEB_DIR = 'dist/console-web';
export const CHROMIUM = process.env.PLINTH_CHROMIUM ?? '/usr/bin/chromium';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/** Builds the web UI (`npm run build:web`), throwing with vite's output when it fails. */
export function buildWeb(): void {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed: ${r.stdout}${r.stderr}`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A browser context whose pages get the UI's files from `dir` for every non-/api path of `base`. */
export async function webContext(browser: Browser, base: string, opts: { locale?: string; dir?: string } = {}): Promise<BrowserContext> {
  const dir = opts.dir ?? WEB_DIR;
  const ctx = await browser.newContext({ locale: opts.locale ?? 'en-US', viewport: { width: 1440, height: 900 } });
  await ctx.route(
    (url) => url.origin === base && !url.pathname.startsWith('/api/'),
    async (route) => {
      const path = decodeURIComponent(new URL(route.request().url()).pathname);
      const file = normalize(join(dir, path));
      const inside = file.startsWith(normalize(dir));
      const target = inside && existsSync(file) && statSync(file).isFile() ? file : join(dir, 'index.html');
      await route.fulfill({ status: 200, contentType: TYPES[extname(target)] ?? 'application/octet-stream', body: readFileSync(target) });
    },
  );
  return ctx;
}
