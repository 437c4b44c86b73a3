// `npm run bench -- <name>`: runs one benchmark (default: all). Benchmarks print figures next to a
// peer's figures measured in the same run; they are not part of `npm test`.
const BENCHES: Record<string, () => Promise<unknown>> = {
  assess: () => import('./assess/main.js'),
  informer: () => import('./informer/main.js'),
  release: () => import('./release/main.js'),
  migrate: () => import('./migrate/main.js'),
  switch: () => import('./switch/main.js'),
  nodes: () => import('./nodes/main.js'),
  fleet: () => import('./fleet/main.js'),
  'fleet-scale': () => import('./fleet-scale/main.js'),
  console: () => import('./console/main.js'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
for (const name of names) {
  const bench = BENCHES[name];
  if (!bench) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}\n`);
    process.exit(1);
  }
  await bench();
}
