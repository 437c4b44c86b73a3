/**
 * An etcd v3 snapshot through etcd's maintenance gRPC API (`etcdserverpb.Maintenance/Snapshot`, a
 * server stream of SnapshotResponse{header=1, remaining_bytes=2, blob=3, version=4}), spoken directly
 * over HTTP/2 so that no etcdctl is needed. The blob chunks are written to a file as they arrive.
 */
import http2 from 'node:http2';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { PlinthError } from '../../errors/index.js';

export interface EtcdSnapshotOptions {
  /** Endpoints tried in order, e.g. `https://10.0.0.1:2379`; the first that answers is used. */
  endpoints: string[];
  cacert?: string;
  cert?: string;
  key?: string;
  timeoutMs?: number;
}

export interface EtcdSnapshotResult {
  path: string;
  bytes: number;
  sha256: string;
}

/** Read a protobuf varint at `pos`; returns [value, next position]. */
function varint(buf: Buffer, pos: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++]!;
    v += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return [v, pos];
    mul *= 128;
  }
}

/** The blob (field 3) of one SnapshotResponse message. */
export function snapshotBlob(msg: Buffer): Buffer | undefined {
  let pos = 0;
  let blob: Buffer | undefined;
  while (pos < msg.length) {
    const [tag, p1] = varint(msg, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    pos = p1;
    if (wire === 0) {
      pos = varint(msg, pos)[1];
    } else if (wire === 2) {
      const [len, p2] = varint(msg, pos);
      if (field === 3) blob = msg.subarray(p2, p2 + len);
      pos = p2 + len;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else {
      throw new Error(`unexpected protobuf wire type ${wire}`);
    }
  }
  return blob;
}

async function snapshotFrom(endpoint: string, o: EtcdSnapshotOptions, path: string): Promise<EtcdSnapshotResult> {
  const tls = endpoint.startsWith('https:')
    ? {
        ca: o.cacert ? await readFile(o.cacert) : undefined,
        cert: o.cert ? await readFile(o.cert) : undefined,
        key: o.key ? await readFile(o.key) : undefined,
      }
    : {};
  const tmp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  const hash = createHash('sha256');
  let bytes = 0;
  const session = http2.connect(endpoint, tls);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no complete snapshot after ${(o.timeoutMs ?? 300_000) / 1000}s`)), o.timeoutMs ?? 300_000);
      session.on('error', (err: Error) => {
        clearTimeout(timer);
        reject(err);
      });
      const req = session.request({ ':method': 'POST', ':path': '/etcdserverpb.Maintenance/Snapshot', 'content-type': 'application/grpc', te: 'trailers' });
      let pending: Buffer = Buffer.alloc(0);
      let grpcStatus: string | undefined;
      let grpcMessage = '';
      req.on('response', (h) => {
        if (h['grpc-status'] !== undefined) grpcStatus = String(h['grpc-status']);
        if (h[':status'] !== 200) reject(new Error(`HTTP ${String(h[':status'])}`));
      });
      req.on('trailers', (t: http2.IncomingHttpHeaders) => {
        grpcStatus = String(t['grpc-status'] ?? '');
        grpcMessage = decodeURIComponent(String(t['grpc-message'] ?? ''));
      });
      req.on('data', (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        while (pending.length >= 5) {
          const len = pending.readUInt32BE(1);
          if (pending.length < 5 + len) break;
          const blob = snapshotBlob(pending.subarray(5, 5 + len));
          pending = pending.subarray(5 + len);
          if (blob && blob.length > 0) {
            hash.update(blob);
            bytes += blob.length;
            out.write(blob);
          }
        }
      });
      req.on('end', () => {
        clearTimeout(timer);
        if (grpcStatus === '0') resolve();
        else reject(new Error(`gRPC status ${grpcStatus ?? 'missing'}${grpcMessage ? `: ${grpcMessage}` : ''}`));
      });
      req.on('error', (err: Error) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(Buffer.from([0, 0, 0, 0, 0]));
    });
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (bytes === 0) throw new Error('the snapshot was empty');
    await rename(tmp, path);
    return { path, bytes, sha256: hash.digest('hex') };
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  } finally {
    session.close();
  }
}

/** Save a snapshot of the first endpoint that answers to `path` (atomically). */
export async function takeEtcdSnapshot(o: EtcdSnapshotOptions, path: string): Promise<EtcdSnapshotResult> {
  const errors: string[] = [];
  for (const ep of o.endpoints) {
    try {
      return await snapshotFrom(ep, o, path);
    } catch (err) {
      errors.push(`${ep}: ${(err as Error).message}`);
    }
  }
  throw new PlinthError('UPGRADE_MIGRATE_ETCD_SNAPSHOT', { detail: errors.join('; ') || 'no endpoints given' });
}
