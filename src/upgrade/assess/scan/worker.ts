/**
 * The scan worker of a parallel assessment (./parallel.ts): a worker thread that reads, parses and assesses
 * the files it is sent, one at a time, and replies with each file's findings and input errors (never the
 * parsed objects, so memory stays bounded by the file being read).
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../../errors/index.js';
import { assessInput, type InputResult } from './files.js';

/** Marks a worker started by ./parallel.ts (a module can be loaded in other workers too). */
export const SCAN_WORKER_ROLE = 'plinth-assess-scan';

export interface ScanRequest {
  /** Index of the input in the run. */
  readonly id: number;
  readonly name: string;
  readonly json: boolean;
}

export type ScanReply = { readonly id: number; readonly result: InputResult } | { readonly id: number; readonly error: string };

/** One request's reply; an unexpected failure becomes an error reply, not a dead worker. */
export function scanFile(req: ScanRequest, target: number): ScanReply {
  try {
    return { id: req.id, result: assessInput({ name: req.name, json: req.json }, target) };
  } catch (err) {
    return { id: req.id, error: errorMessage(err) };
  }
}

const data = workerData as { role?: string; target?: number } | null;
if (!isMainThread && parentPort && data?.role === SCAN_WORKER_ROLE && typeof data.target === 'number') {
  const port = parentPort;
  const target = data.target;
  port.on('message', (req: ScanRequest) => port.postMessage(scanFile(req, target)));
}
