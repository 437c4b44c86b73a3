import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { PlinthError } from '../../../errors/index.js';

/**
 * Save an etcd snapshot through etcd's JSON gateway (`POST /v3/maintenance/snapshot`, a stream of
 * `{"result":{"blob":base64,"remaining_bytes":n}}` objects) into `file`. Tries the endpoints in
 * order; returns the bytes written. Plain-HTTP endpoints only (a TLS etcd: run `etcdctl snapshot
 * save` as a host command instead).
 */
export async function etcdSnapshot(endpoints: readonly string[], file: string, timeoutMs = 300_000): Promise<{ bytes: number; endpoint: string }> {
  let last = '';
  for (const ep of endpoints) {
    try {
      const res = await fetch(`${ep.replace(/\/+$/, '')}/v3/maintenance/snapshot`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const out = createWriteStream(file);
      let bytes = 0;
      let buf = '';
      const decoder = new TextDecoder();
      const flush = async (line: string): Promise<void> => {
        if (line.trim() === '') return;
        const msg = JSON.parse(line) as { result?: { blob?: string }; error?: { message?: string } };
        if (msg.error) throw new Error(msg.error.message ?? 'etcd error');
        const blob = msg.result?.blob;
        if (!blob) return;
        const chunk = Buffer.from(blob, 'base64');
        bytes += chunk.length;
        if (!out.write(chunk)) await once(out, 'drain');
      };
      for await (const part of res.body) {
        buf += decoder.decode(part as Uint8Array, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          await flush(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      }
      await flush(buf);
      out.end();
      await once(out, 'finish');
      if (bytes === 0) throw new Error('empty snapshot');
      return { bytes, endpoint: ep };
    } catch (err) {
      last = `${ep}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  throw new PlinthError('UPGRADE_SWITCH_PHASE_FAILED', { operation: 'switch', phase: 'backup', detail: `etcd snapshot failed (${last})`, fix: 'check plan etcd.endpoints (plain http client URLs of the old etcd)' });
}
