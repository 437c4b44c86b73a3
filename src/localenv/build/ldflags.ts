/**
 * Linker flags for Kubernetes commands: strip symbols and stamp the version that
 * `--version` prints and that the API server reports at /version (what `make` does upstream).
 */

const VERSION_PACKAGES = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'] as const;

/** A fixed build date keeps the binaries reproducible. */
export const BUILD_DATE = '1970-01-01T00:00:00Z';

/** `-ldflags` value for a Kubernetes release such as v1.34.4. */
export function kubeLdflags(kubernetes: string): string {
  const m = /^v(\d+)\.(\d+)\.\d+$/.exec(kubernetes);
  if (!m) throw new Error(`not a Kubernetes release version: ${kubernetes}`);
  const flags = ['-s', '-w'];
  for (const p of VERSION_PACKAGES) {
    flags.push(
      `-X ${p}.gitVersion=${kubernetes}`,
      `-X ${p}.gitMajor=${m[1]}`,
      `-X ${p}.gitMinor=${m[2]}`,
      `-X ${p}.gitTreeState=clean`,
      `-X ${p}.buildDate=${BUILD_DATE}`,
    );
  }
  return flags.join(' ');
}

/** `-ldflags` for etcd and kwok: strip symbols only (their versions are compiled in). */
export const PLAIN_LDFLAGS = '-s -w';
