/**
 * The peer: Fairwinds Pluto (`pluto detect-files -d DIR -o json`), built from the Go module proxy into
 * <plinth cache>/peers/pluto. When Pluto cannot be built (this machine's module proxy refuses it), the
 * fallback is bench/assess/peer: a Pluto-style detector in Go (go-yaml v3 decode of every YAML or JSON
 * document, List items, removed-API lookup, JSON out) — the same work Pluto's detect-files does, without its CLI framework.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir } from '../../src/localenv/build/paths.js';

export interface Peer {
  readonly name: string;
  readonly note: string;
  readonly command: (dir: string) => { file: string; args: string[] };
}

function tryPluto(): Peer | { error: string } {
  const bin = join(cacheDir(), 'peers', 'pluto', 'bin');
  const pluto = join(bin, 'pluto');
  if (!existsSync(pluto)) {
    mkdirSync(bin, { recursive: true });
    const r = spawnSync('go', ['install', 'github.com/fairwindsops/pluto/v5@latest'], { env: { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod' }, encoding: 'utf8', timeout: 900_000 });
    if (r.status !== 0 || !existsSync(pluto)) return { error: (r.stderr || r.error?.message || 'go install failed').split('\n').map((l) => l.trim()).filter((l) => l)[0]!.slice(0, 200) };
  }
  return { name: 'pluto', note: 'Fairwinds Pluto v5 (go install …@latest)', command: (dir) => ({ file: pluto, args: ['detect-files', '-d', dir, '-o', 'json'] }) };
}

function fallback(reason: string): Peer {
  const src = resolve(import.meta.dirname, 'peer');
  // One binary per version of its source, so a changed peer is rebuilt.
  const hash = createHash('sha256').update(readFileSync(join(src, 'main.go'))).update(readFileSync(join(src, 'go.mod'))).digest('hex').slice(0, 12);
  const bin = join(cacheDir(), 'peers', 'assess-peer', `assess-peer-${hash}`);
  if (!existsSync(bin)) {
    mkdirSync(join(cacheDir(), 'peers', 'assess-peer'), { recursive: true });
    const r = spawnSync('go', ['build', '-o', bin, '.'], { cwd: src, env: { ...process.env, GOFLAGS: '-mod=mod' }, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`cannot build the fallback peer: ${r.stderr}`);
  }
  return {
    name: 'go-detector',
    note: `Pluto could not be built (${reason}); peer = bench/assess/peer, a Pluto-style Go detector (go-yaml v3 decode of YAML and JSON, List items + removed-API lookup)`,
    command: (dir) => ({ file: bin, args: [dir] }),
  };
}

export function choosePeer(): Peer {
  const p = tryPluto();
  return 'error' in p ? fallback(p.error) : p;
}
