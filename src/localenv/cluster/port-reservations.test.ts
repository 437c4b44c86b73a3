import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { releasePorts, reservePort } from './port-reservations.js';
import { freePorts } from './ports.js';

/** Every claim in `dir`, as `port/pid`. */
async function claims(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const port of await readdir(dir)) for (const pid of await readdir(join(dir, port))) out.push(`${port}/${pid}`);
  return out.sort();
}

async function claimAs(dir: string, port: number, pid: number): Promise<void> {
  await mkdir(join(dir, String(port)), { recursive: true });
  await writeFile(join(dir, String(port), String(pid)), '');
}

function modulePath(rel: string): string {
  return fileURLToPath(new URL(rel, import.meta.url));
}

/**
 * Run `body` (an ES module) in a child Node process that prints one JSON answer and then stays
 * alive, so its claims stay live, until its stdin gets data.
 */
function runChild(body: string): { child: ChildProcessWithoutNullStreams; answer: Promise<number[]> } {
  const script = `${body}\nprocess.stdin.once('data', () => process.exit(0));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: process.env });
  child.stderr.pipe(process.stderr);
  const answer = new Promise<number[]>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        resolve(JSON.parse(out) as number[]);
      } catch {
        // not complete yet
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code} before answering`)));
  });
  return { child, answer };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-ports-test-'));
  const before = process.env.PLINTH_PORT_RESERVATIONS;
  process.env.PLINTH_PORT_RESERVATIONS = dir;
  try {
    await fn(dir);
  } finally {
    if (before === undefined) delete process.env.PLINTH_PORT_RESERVATIONS;
    else process.env.PLINTH_PORT_RESERVATIONS = before;
    await rm(dir, { recursive: true, force: true });
  }
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

test('a port claimed by this process stays ours and is not handed out twice; release drops only our claim', async () => {
  await withDir(async (dir) => {
    assert.equal(await reservePort(24001), true);
    assert.equal(await reservePort(24001), false, 'already handed out by this process');
    assert.deepEqual(await claims(dir), [`24001/${process.pid}`]);
    await releasePorts([24001, 24002]);
    assert.deepEqual(await claims(dir), []);
  });
});

test('a live claim by another process wins; a dead process claim is cleared and taken', async () => {
  await withDir(async (dir) => {
    await claimAs(dir, 24010, process.ppid);
    assert.equal(await reservePort(24010), false);
    assert.deepEqual(await claims(dir), [`24010/${process.ppid}`], 'the loser withdraws its own claim');

    await claimAs(dir, 24011, deadPid());
    assert.equal(await reservePort(24011), true);
    assert.deepEqual(await claims(dir), [`24010/${process.ppid}`, `24011/${process.pid}`].sort());
  });
});

test('freePorts never hands out a port another live process drew', async () => {
  await withDir(async () => {
    // 300 ports each from 12,000: unreserved, the two draws would share about 7.5 ports.
    const { child, answer } = runChild(`
      const { freePorts } = await import(${JSON.stringify(modulePath('./ports.ts'))});
      process.stdout.write(JSON.stringify(await freePorts(300)));
    `);
    const theirs = new Set(await answer);
    const ours = await freePorts(300);
    child.stdin.end('x');
    const shared = ours.filter((p) => theirs.has(p));
    assert.deepEqual(shared, [], 'ports drawn by both processes');
  });
});

test('processes racing for the same ports: no port is won by two of them', async () => {
  await withDir(async (dir) => {
    const children = Array.from({ length: 4 }, () =>
      runChild(`
        const { reservePort } = await import(${JSON.stringify(modulePath('./port-reservations.ts'))});
        const won = [];
        for (let p = 25000; p < 25040; p++) if (await reservePort(p)) won.push(p);
        process.stdout.write(JSON.stringify(won));
      `),
    );
    const results = await Promise.all(children.map((c) => c.answer));
    for (const c of children) c.child.stdin.end('x');
    const all = results.flat();
    assert.equal(new Set(all).size, all.length, `a port was won twice: ${JSON.stringify(results)}`);
    assert.ok(all.length > 0, 'some ports were won');
    assert.equal((await claims(dir)).length, all.length, 'exactly the winners hold claims');
  });
});

test('one process starting two clusters at once never hands the same port to both', async () => {
  await withDir(async () => {
    // Two claims of one port in flight together (two clusters' port draws in one process).
    const won = await Promise.all([reservePort(23456), reservePort(23456)]);
    assert.deepEqual(won.sort(), [false, true]);
    await releasePorts([23456]);
    assert.equal(await reservePort(23456), true, 'free again once released');
    await releasePorts([23456]);
    // Many draws at once in one process: all distinct.
    const draws = await Promise.all(Array.from({ length: 8 }, () => freePorts(6)));
    const all = draws.flat();
    assert.equal(new Set(all).size, all.length);
    await releasePorts(all);
  });
});
