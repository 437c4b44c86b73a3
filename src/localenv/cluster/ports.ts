import { createServer } from 'node:net';
import { randomInt } from 'node:crypto';
import { releasePorts, reservePort } from './port-reservations.js';

/**
 * Ports are drawn at random from below the Linux ephemeral range (32768+), so that an outgoing
 * connection never grabs a port between our check and the component's bind. A cluster draws
 * all its ports at once but its controller manager binds only seconds later, after etcd and
 * the API server are up; in that window the port looks free to everyone. So every port drawn
 * here is also reserved on disk for this process (port-reservations.ts), and other Plinth
 * processes skip it. A collision with a foreign process is still caught by the caller (the
 * component exits with "address already in use") and retried on new ports.
 */
const LOW = 20000;
const HIGH = 32000;

/** True when 127.0.0.1:port can be bound right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      srv.close(() => resolve(true));
    });
  });
}

/**
 * `count` distinct free loopback ports, none of them in `avoid` or reserved by another live
 * Plinth process; each is reserved for this process until releasePorts (or this process ends).
 */
export async function freePorts(count: number, avoid: ReadonlySet<number> = new Set()): Promise<number[]> {
  const out: number[] = [];
  for (let attempts = 0; out.length < count; attempts++) {
    if (attempts > 500) {
      await releasePorts(out);
      throw new Error(`no free loopback port found in ${LOW}-${HIGH}`);
    }
    const p = randomInt(LOW, HIGH);
    if (avoid.has(p) || out.includes(p)) continue;
    if (!(await portIsFree(p))) continue;
    if (await reservePort(p)) out.push(p);
  }
  return out;
}

export { releasePorts };
