// Reading a Server-Sent Events stream (the console's /api/v1/events) in tests and benches: each event's
// `data:` line parsed as JSON, with the time its chunk arrived.

/** Calls `onData` for every event with a data line, until the stream ends (or its request is aborted). */
export async function readSse(body: AsyncIterable<Uint8Array>, onData: (data: unknown, at: number) => void, onChunk?: () => void): Promise<void> {
  const dec = new TextDecoder();
  let buf = '';
  for await (const chunk of body) {
    const at = Date.now();
    buf += dec.decode(chunk, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (data) onData(JSON.parse(data.slice(6)) as unknown, at);
    }
    onChunk?.();
  }
}
