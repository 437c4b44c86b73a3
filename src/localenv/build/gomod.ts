/**
 * Pure text work on go.mod files: reading the staging replace list and the `go` directive of
 * k8s.io/kubernetes, and writing the wrapper modules that build Kubernetes and etcd.
 */

/**
 * The staging modules of a k8s.io/kubernetes go.mod: every module replaced by a directory under
 * `./staging/src/`, in both the block form and the single-line form of `replace`.
 */
export function parseStagingModules(goMod: string): string[] {
  const found = new Set<string>();
  const re = /^\s*(?:replace\s+)?(\S+)(?:\s+v\S+)?\s+=>\s+\.\/staging\/src\/\S+\s*$/;
  for (const line of stripComments(goMod).split('\n')) {
    const m = re.exec(line);
    if (m?.[1]) found.add(m[1]);
  }
  return [...found].sort();
}

/** The version in the `go` directive of a go.mod (e.g. "1.24.0"), if there is one. */
export function parseGoDirective(goMod: string): string | undefined {
  const m = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(stripComments(goMod));
  return m?.[1];
}

/**
 * The version a go.mod requires of `module` (block or single-line `require`, direct or `// indirect`),
 * if it requires it at all.
 */
export function parseRequiredVersion(goMod: string, module: string): string | undefined {
  let inBlock = false;
  for (const raw of stripComments(goMod).split('\n')) {
    const line = raw.trim();
    if (inBlock) {
      if (line === ')') inBlock = false;
      else if (line.split(/\s+/)[0] === module) return line.split(/\s+/)[1];
      continue;
    }
    if (/^require\s*\($/.test(line)) inBlock = true;
    const m = /^require\s+(\S+)\s+(\S+)$/.exec(line);
    if (m?.[1] === module) return m[2];
  }
  return undefined;
}

/** Compare Go versions such as "1.21", "1.24.0", "go1.21.13": negative, zero or positive. */
export function compareGoVersions(a: string, b: string): number {
  const pa = goVersionParts(a);
  const pb = goVersionParts(b);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** "go1.21.13" → [1, 21, 13]; throws on anything else (pins are written by us). */
export function goVersionParts(v: string): [number, number, number] {
  const m = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(v.trim());
  if (!m) throw new Error(`not a Go version: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** The version of the staging modules published with a Kubernetes release: v1.24.17 → v0.24.17. */
export function stagingVersion(kubernetes: string): string {
  const m = /^v1\.(\d+\.\d+)$/.exec(kubernetes);
  if (!m) throw new Error(`not a Kubernetes release version: ${kubernetes}`);
  return `v0.${m[1]}`;
}

export interface KubernetesModule {
  /** Kubernetes release, e.g. v1.24.17. */
  kubernetes: string;
  /** The `go` directive of k8s.io/kubernetes' go.mod. */
  goVersion: string;
  /** Staging module paths, from `parseStagingModules`. */
  staging: readonly string[];
}

/**
 * go.mod of the wrapper module that builds Kubernetes' commands: it requires k8s.io/kubernetes
 * and points every staging module at its published v0.Y.Z version instead of `./staging`.
 */
export function kubernetesGoMod(m: KubernetesModule): string {
  const sv = stagingVersion(m.kubernetes);
  const lines = [
    '// Written by Plinth (src/localenv/build); rewritten on every build.',
    `module plinth.local/kubernetes-${m.kubernetes}`,
    '',
    `go ${m.goVersion}`,
    '',
    `require k8s.io/kubernetes ${m.kubernetes}`,
    '',
    'replace (',
    ...m.staging.map((p) => `\t${p} => ${p} ${sv}`),
    ')',
    '',
  ];
  return lines.join('\n');
}

/** go.mod of the wrapper module that builds etcd's server from go.etcd.io/etcd/server/v3. */
export function etcdGoMod(etcd: string, goVersion: string): string {
  return [
    '// Written by Plinth (src/localenv/build); rewritten on every build.',
    'module plinth.local/etcd',
    '',
    `go ${goVersion}`,
    '',
    `require go.etcd.io/etcd/server/v3 ${etcd}`,
    '',
  ].join('\n');
}

/** main.go of the etcd wrapper: the same entry point as etcd's own binary. */
export const ETCD_MAIN_GO = `// Written by Plinth (src/localenv/build).
package main

import (
\t"os"

\t"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
\tetcdmain.Main(os.Args)
}
`;

function stripComments(goMod: string): string {
  return goMod.replace(/\/\/.*$/gm, '');
}
