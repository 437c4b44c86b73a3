/**
 * The built web UI (`npm run build:web` writes dist/console-web): served at `/` by @fastify/static, with the
 * SPA fallback: a GET of a path that is not a file (a client-side route like /releases/shop/web) answers
 * index.html. Unknown `/api` paths stay JSON 404s (CONSOLE_NO_ROUTE). The files are public (no session):
 * they hold no data; every API call behind them needs the session.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { PlinthError } from '../../errors/index.js';

/** dist/console-web of the package (from src/app/console or dist/app/console alike). */
export function defaultWebDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'dist', 'console-web');
}

/** A web dir is usable when it holds index.html. */
export function hasWebUi(dir: string): boolean {
  return existsSync(resolve(dir, 'index.html'));
}

/**
 * Pure: what a GET of `urlPath` serves from `root`: `api` (not ours: a JSON 404), the file (relative to root),
 * or the SPA's index.html. Paths leaving the root are never files.
 */
export function staticTarget(root: string, urlPath: string, isFile: (abs: string) => boolean): { kind: 'api' } | { kind: 'file'; file: string } | { kind: 'index' } {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return { kind: 'index' };
  }
  if (path === '/api' || path.startsWith('/api/')) return { kind: 'api' };
  const abs = resolve(root, '.' + path);
  const rel = relative(root, abs);
  if (rel === '' || rel.startsWith('..') || rel.includes(`..${sep}`) || path.includes('\0')) return { kind: 'index' };
  return isFile(abs) ? { kind: 'file', file: rel.split(sep).join('/') } : { kind: 'index' };
}

function isFile(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}

/** Serves `dir` at `/` (GET and HEAD) with the SPA fallback; call before `app.ready()`. */
export async function registerWebUi(app: FastifyInstance, dir: string): Promise<void> {
  const root = resolve(dir);
  // Only the sendFile decoration: the route below decides what a path serves (and keeps /api JSON).
  await app.register(fastifyStatic, { root, serve: false, index: false });
  app.get('/*', { config: { public: true }, schema: { summary: 'The web UI (SPA: unknown paths answer index.html)' } }, async (req, reply) => {
    const t = staticTarget(root, req.url, isFile);
    if (t.kind === 'api') throw new PlinthError('CONSOLE_NO_ROUTE', { method: req.method, url: req.url.split('?')[0] ?? '' });
    if (t.kind === 'file') {
      // Vite's hashed assets never change under their name.
      const immutable = t.file.startsWith('assets/');
      return reply.sendFile(t.file, { cacheControl: true, maxAge: immutable ? 365 * 86400_000 : 0, immutable });
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  });
}
