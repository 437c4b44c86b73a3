#!/usr/bin/env node
// Regenerates src/upgrade/assess/kb/lifecycle.json: Kubernetes' own lifecycle data per group/version/kind,
// which src/upgrade/assess/kb/lifecycle.test.ts checks the knowledge base against.
//
//   node scripts/assess-lifecycle.mjs            (needs `go`; fetches through the Go module proxy)
//
// For each minor 1.16–1.34 it fetches the k8s.io/api module of that minor (`go mod download -json`, with
// GOFLAGS=-mod=mod as the local Kubernetes build does) and reads, per group/version package:
// - register.go: the group name and the kinds the package registers (what a manifest can name);
// - zz_generated.prerelease-lifecycle.go (from 1.19): APILifecycleIntroduced/Deprecated/Removed/Replacement,
//   generated from the +k8s:prerelease-lifecycle-gen tags of the types.
// GA kinds without lifecycle tags are listed with `served` only (replacements are checked against it).
// Lifecycle values come from the newest module that has them; `served` is the first and last module minor
// that registers the kind. k8s.io/api keeps removed beta types for clients, but deletes removed alpha
// types: for a version with no lifecycle data, the minor after the last one that has it is its removal.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** One k8s.io/api release per minor (the newest patch the module proxy served when this was written). */
const MODULES = {
  16: 'v0.16.15', 17: 'v0.17.17', 18: 'v0.18.19', 19: 'v0.19.16', 20: 'v0.20.15', 21: 'v0.21.14', 22: 'v0.22.17',
  23: 'v0.23.17', 24: 'v0.24.17', 25: 'v0.25.16', 26: 'v0.26.15', 27: 'v0.27.16', 28: 'v0.28.15', 29: 'v0.29.15',
  30: 'v0.30.14', 31: 'v0.31.14', 32: 'v0.32.9', 33: 'v0.33.0', 34: 'v0.34.4',
};
const OUT = resolve(import.meta.dirname, '..', 'src', 'upgrade', 'assess', 'kb', 'lifecycle.json');

function moduleDir(version) {
  const out = execFileSync('go', ['mod', 'download', '-json', `k8s.io/api@${version}`], {
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  const info = JSON.parse(out);
  if (!info.Dir) throw new Error(`go mod download k8s.io/api@${version}: ${info.Error ?? 'no Dir'}`);
  return info.Dir;
}

/** group/version package directories: <dir>/<group>/<version>/register.go */
function packages(dir) {
  const found = [];
  for (const g of readdirSync(dir, { withFileTypes: true })) {
    if (!g.isDirectory()) continue;
    for (const v of readdirSync(join(dir, g.name), { withFileTypes: true })) {
      if (v.isDirectory() && /^v\d+((alpha|beta)\d+)?$/.test(v.name) && existsSync(join(dir, g.name, v.name, 'register.go'))) found.push(join(dir, g.name, v.name));
    }
  }
  return found;
}

function registered(registerGo) {
  const group = /GroupName\s*=\s*"([^"]*)"/.exec(registerGo)?.[1];
  const body = /AddKnownTypes\(SchemeGroupVersion,([\s\S]*?)\)\s*\n/.exec(registerGo)?.[1] ?? '';
  const kinds = [...body.matchAll(/&(\w+)\{\}/g)].map((m) => m[1]).filter((k) => !k.endsWith('List') && !/Options$/.test(k));
  return { group, kinds };
}

function lifecycle(text) {
  const byKind = new Map();
  const get = (k) => byKind.get(k) ?? byKind.set(k, {}).get(k);
  for (const m of text.matchAll(/func \(in \*(\w+)\) APILifecycle(Introduced|Deprecated|Removed)\(\) \(major, minor int\) \{\s*return (\d+), (\d+)/g)) {
    get(m[1])[m[2].toLowerCase()] = Number(m[4]);
  }
  for (const m of text.matchAll(/func \(in \*(\w+)\) APILifecycleReplacement\(\) schema\.GroupVersionKind \{\s*return schema\.GroupVersionKind\{Group: "([^"]*)", Version: "([^"]*)", Kind: "([^"]*)"\}/g)) {
    get(m[1]).replacement = `${m[2] ? `${m[2]}/` : ''}${m[3]} ${m[4]}`;
  }
  return byKind;
}

const table = new Map();
for (const [minorText, version] of Object.entries(MODULES)) {
  const minor = Number(minorText);
  const dir = moduleDir(version);
  for (const pkg of packages(dir)) {
    const { group, kinds } = registered(readFileSync(join(pkg, 'register.go'), 'utf8'));
    if (group === undefined) continue;
    const apiVersion = `${group ? `${group}/` : ''}${pkg.split('/').pop()}`;
    const lcFile = join(pkg, 'zz_generated.prerelease-lifecycle.go');
    const lc = existsSync(lcFile) ? lifecycle(readFileSync(lcFile, 'utf8')) : new Map();
    for (const kind of kinds) {
      const key = `${apiVersion} ${kind}`;
      const e = table.get(key) ?? { apiVersion, kind, served: [minor, minor] };
      e.served[1] = minor;
      const l = lc.get(kind);
      if (l) {
        for (const f of ['introduced', 'deprecated', 'removed', 'replacement']) {
          if (l[f] !== undefined) e[f] = l[f];
          else if (f !== 'introduced') delete e[f];
        }
        e.lifecycleFrom = minor;
      }
      table.set(key, e);
    }
  }
  process.stderr.write(`k8s.io/api ${version} (1.${minor}): ${table.size} kinds so far\n`);
}

const rows = [...table.values()].sort((a, b) => (a.apiVersion + ' ' + a.kind < b.apiVersion + ' ' + b.kind ? -1 : 1));
const lines = rows.map((r) => '  ' + JSON.stringify(r));
writeFileSync(
  OUT,
  `{\n  "source": "k8s.io/api ${MODULES[16]}..${MODULES[34]}: register.go and zz_generated.prerelease-lifecycle.go; regenerate with node scripts/assess-lifecycle.mjs",\n  "newestMinor": 34,\n  "kinds": [\n${lines.join(',\n').replace(/^ {2}/gm, '    ')}\n  ]\n}\n`,
);
process.stderr.write(`wrote ${rows.length} kinds to ${OUT}\n`);
