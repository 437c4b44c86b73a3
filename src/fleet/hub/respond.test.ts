import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { PlinthError } from '../../errors/index.js';
import { readBody } from './respond.js';

/** A request body stream with the given headers, fed the chunks. */
function request(headers: Record<string, string>, chunks: Buffer[]): IncomingMessage {
  const s = new PassThrough();
  Object.assign(s, { headers });
  setImmediate(() => {
    for (const c of chunks) s.write(c);
    s.end();
  });
  return s as unknown as IncomingMessage;
}

const tooLarge = (e: unknown): boolean => e instanceof PlinthError && e.code === 'FLEET_BODY_TOO_LARGE' && e.httpStatus === 413;

test('readBody: a body within the limit whole; over it by Content-Length at once or while streaming (chunked)', async () => {
  assert.equal((await readBody(request({}, [Buffer.from('ab'), Buffer.from('cd')]), 4)).toString(), 'abcd');
  await assert.rejects(readBody(request({ 'content-length': '5' }, []), 4), tooLarge);
  await assert.rejects(readBody(request({ 'transfer-encoding': 'chunked' }, [Buffer.from('abc'), Buffer.from('de')]), 4), tooLarge);
  assert.equal((await readBody(request({}, []), 4)).length, 0);
});
