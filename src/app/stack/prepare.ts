import { ensureBinaries, versions, type Binaries, type KubeVersionName } from '../../localenv/build/index.js';
import { progress } from '../../term/progress.js';

/** Build (or find in the cache) the binaries of each version, showing progress. */
export async function prepare(which: readonly KubeVersionName[], quiet = false): Promise<Binaries[]> {
  const out: Binaries[] = [];
  for (const v of which) {
    const pin = versions()[v].kubernetes;
    const p = progress(process.stderr, quiet);
    p.update(`preparing Kubernetes ${pin} (${v})`);
    try {
      const started = Date.now();
      const b = await ensureBinaries(v, {
        onProgress: (s) => p.update(`Kubernetes ${pin}: ${s.component} ${s.version}: ${s.step} [${s.done}/${s.total}]`),
      });
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      p.done(`Kubernetes ${b.version} binaries ready (${secs}s)`);
      out.push(b);
    } catch (err) {
      p.fail(`Kubernetes ${pin}: preparation failed`);
      throw err;
    }
  }
  return out;
}
