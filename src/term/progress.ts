/**
 * Progress for long work: a single rewritten line with a spinner on a TTY, plain
 * timestamped lines otherwise (CI logs). Always on stderr so stdout stays parseable.
 */
export interface Progress {
  update(message: string): void;
  done(message?: string): void;
  fail(message?: string): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function progress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(0)}s`;
  if (quiet) return { update: () => undefined, done: () => undefined, fail: () => undefined };
  if (!stream.isTTY) {
    let last = '';
    return {
      update: (m) => {
        if (m !== last) stream.write(`[${elapsed()}] ${m}\n`);
        last = m;
      },
      done: (m) => void (m && stream.write(`[${elapsed()}] ${m}\n`)),
      fail: (m) => void (m && stream.write(`[${elapsed()}] ${m}\n`)),
    };
  }
  let frame = 0;
  let message = '';
  const draw = (): void => {
    const width = (stream.columns || 80) - 1;
    stream.write(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${message} (${elapsed()})`.slice(0, width + 6));
  };
  const timer = setInterval(draw, 120);
  timer.unref();
  const finish = (mark: string, m?: string): void => {
    clearInterval(timer);
    stream.write(`\r\x1b[K${mark} ${m ?? message} (${elapsed()})\n`);
  };
  return {
    update: (m) => {
      message = m;
      draw();
    },
    done: (m) => finish('✔', m),
    fail: (m) => finish('✖', m),
  };
}
