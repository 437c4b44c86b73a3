import { createServer } from 'node:net';
import { randomInt } from 'node:crypto';

/**
 * Ports are drawn at random from below the Linux ephemeral range (32768+), so that an outgoing
 * connection never grabs a port between our check and the component's bind, and two processes
 * starting clusters at once rarely draw the same one. A collision that still happens is caught
 * by the caller (the component exits with "address already in use") and retried on new ports.
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

/** `count` distinct free loopback ports, none of them in `avoid`. */
export async function freePorts(count: number, avoid: ReadonlySet<number> = new Set()): Promise<number[]> {
  const out: number[] = [];
  for (let attempts = 0; out.length < count; attempts++) {
    if (attempts > 500) throw new Error(`no free loopback port found in ${LOW}-${HIGH}`);
    const p = randomInt(LOW, HIGH);
    if (avoid.has(p) || out.includes(p)) continue;
    if (await portIsFree(p)) out.push(p);
  }
  return out;
}
