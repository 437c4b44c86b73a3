/**
 * Manifest files assessed on every core: plain files are handed one at a time (largest first, so the last
 * ones are small) to worker threads (./worker.ts), which reply with findings only; the results are put back
 * in input order, so the report is the same as a sequential run's. Small inputs are read on the calling
 * thread (starting a worker costs more than it saves), and so are stdin and chart directories (first).
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { errorMessage, PlinthError } from '../../../errors/index.js';
import { assessFiles, assessInput, mergeResults, readStdin, type FilesResult, type InputResult } from './files.js';
import type { InputFile } from './inputs.js';
import { SCAN_WORKER_ROLE, type ScanReply, type ScanRequest } from './worker.js';

export interface ParallelOptions {
  /** Worker threads (default: the cores, at most 4). */
  readonly workers?: number;
  /** Below this many bytes of plain files, no worker is started (default 8 MB). */
  readonly minBytes?: number;
}

const DEFAULT_MIN_BYTES = 8 * 1024 * 1024;

/** A scan worker; under tsx (the sources, in tests and benches) it registers tsx first, as the CLI's own process did. */
function startWorker(target: number): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const url = new URL(fromSources ? './worker.ts' : './worker.js', import.meta.url);
  const workerData = { role: SCAN_WORKER_ROLE, target };
  if (!fromSources) return new Worker(url, { workerData });
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

const sizeOf = (name: string): number => {
  try {
    return statSync(name).size;
  } catch {
    return 0; // the worker reports why it cannot be read
  }
};

/** The plain files of `inputs` as requests, largest first. */
function requests(inputs: readonly InputFile[]): { reqs: ScanRequest[]; bytes: number } {
  const sized = inputs.flatMap((f, id) => (f.helm || f.name === '-' ? [] : [{ req: { id, name: f.name, json: f.json }, size: sizeOf(f.name) }]));
  sized.sort((a, b) => b.size - a.size);
  return { reqs: sized.map((s) => s.req), bytes: sized.reduce((n, s) => n + s.size, 0) };
}

/** Sends every request to the workers, two in flight per worker; resolves with the replies by id. */
function runWorkers(reqs: readonly ScanRequest[], count: number, target: number): Promise<Map<number, ScanReply>> {
  const replies = new Map<number, ScanReply>();
  const workers = Array.from({ length: count }, () => startWorker(target));
  let next = 0;
  let settled = false;
  return new Promise<Map<number, ScanReply>>((resolve, reject) => {
    const send = (w: Worker): void => {
      const req = reqs[next++];
      if (req) w.postMessage(req);
    };
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      if (err === undefined) resolve(replies);
      else reject(new PlinthError('INTERNAL', { detail: `assess scan worker: ${errorMessage(err)}` }, { cause: err }));
    };
    for (const w of workers) {
      w.on('message', (reply: ScanReply) => {
        replies.set(reply.id, reply);
        if (replies.size === reqs.length) finish();
        else send(w);
      });
      w.on('error', (err) => finish(err));
      w.on('exit', (code) => finish(new Error(`exited with code ${code} before its files were read`)));
      send(w);
      send(w);
    }
  });
}

export interface ParallelResult extends FilesResult {
  /** Worker threads used (0: all read on the calling thread). */
  readonly workers: number;
}

/** As `assessFiles`, with the plain files spread over worker threads when there is enough to read. */
export async function assessFilesInParallel(inputs: readonly InputFile[], target: number, stdin: () => string = readStdin, opts: ParallelOptions = {}): Promise<ParallelResult> {
  const count = Math.max(1, opts.workers ?? Math.min(availableParallelism(), 4));
  const { reqs, bytes } = requests(inputs);
  if (count < 2 || reqs.length < 2 || bytes < (opts.minBytes ?? DEFAULT_MIN_BYTES)) return { ...assessFiles(inputs, target, stdin), workers: 0 };
  const workers = Math.min(count, reqs.length);
  // stdin and charts are read here, first (a stdin that cannot be read fails the run before a worker starts).
  const local = new Map<number, InputResult>();
  inputs.forEach((f, id) => {
    if (f.helm || f.name === '-') local.set(id, assessInput(f, target, stdin));
  });
  const replies = await runWorkers(reqs, workers, target);
  const merged = mergeResults(
    inputs.map((f, id): InputResult => {
      const own = local.get(id);
      if (own) return own;
      const r = replies.get(id);
      if (!r || 'error' in r) return { findings: [], errors: [{ source: 'manifest', file: f.name, message: `cannot assess: ${r && 'error' in r ? r.error : 'no reply from the scan worker'}` }], objects: 0 };
      return r.result;
    }),
  );
  return { ...merged, workers };
}
