// How the fleet server answers: JSON bodies, errors from the catalogue as {code, message, hint}.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PlinthError } from '../../errors/index.js';

/** Writes a JSON answer (unless the response already started). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

/** Writes a catalogue error as `{code, message, hint}` with its HTTP status. */
export function sendError(res: ServerResponse, err: PlinthError, headers: Record<string, string> = {}): void {
  sendJson(res, err.httpStatus, { code: err.code, message: err.message, hint: err.hint }, headers);
}

/**
 * Reads a request body of at most `limit` bytes. A larger one (by Content-Length at once, or as it
 * streams) rejects with FLEET_BODY_TOO_LARGE; the rest of it is not read.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): PlinthError => new PlinthError('FLEET_BODY_TOO_LARGE', { limit });
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.once('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}
