// The layer order of docs/architecture.md, enforced by `npm run lint` (dependency-cruiser).
// Each layer may import only the layers below it; domains never import each other; no import circles.
// Order, lowest first: errors → kube → api → term → localenv → domains (release, upgrade, fleet, console) → app.
const LAYERS = ['errors', 'kube', 'api', 'term', 'localenv', 'domain', 'app'];
const PATHS = {
  errors: '^src/errors/',
  kube: '^src/kube/',
  api: '^src/api/',
  term: '^src/term/',
  localenv: '^src/localenv/',
  domain: '^src/(release|upgrade|fleet|console)/',
  app: '^src/app/',
};
const DOMAINS = ['release', 'upgrade', 'fleet', 'console'];

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer}`,
  comment: `${layer} is below ${LAYERS.slice(i + 1).join(', ')}: it may not import them (docs/architecture.md)`,
  severity: 'error',
  from: { path: PATHS[layer] },
  to: { path: LAYERS.slice(i + 1).map((l) => PATHS[l]) },
}));

const domainRules = DOMAINS.map((d) => ({
  name: `domain-${d}-alone`,
  comment: `a domain never imports another domain: move what both need down a layer (docs/architecture.md)`,
  severity: 'error',
  from: { path: `^src/${d}/` },
  to: { path: `^src/(${DOMAINS.filter((x) => x !== d).join('|')})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'import circles make the load order and the layers unclear: split the shared part out',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    ...domainRules,
    {
      name: 'src-outside-layers',
      comment: 'every folder under src/ belongs to a layer of docs/architecture.md: add it there and here',
      severity: 'error',
      from: { path: '^src/', pathNot: Object.values(PATHS) },
      to: {},
    },
    {
      name: 'shipped-code-imports-tests',
      comment: 'code that ships (src/, not *.test.ts) never imports test support',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^test/' },
    },
    {
      name: 'no-dead-modules',
      comment: 'a shipped module that no entry point reaches is dead code: delete it (entry points: the CLI, the CRD generator)',
      severity: 'error',
      from: { path: ['^src/app/cli/main\\.ts$', '^src/api/generate\\.ts$', '^src/app/console/write-rbac\\.ts$'] },
      to: { path: '^src/', pathNot: ['\\.test\\.ts$', '\\.d\\.ts$', '^src/app/cli/main\\.ts$', '^src/api/generate\\.ts$', '^src/app/console/write-rbac\\.ts$'], reachable: false },
    },
    {
      name: 'no-orphans',
      comment: 'a module nothing imports is dead code: delete it (entry points are listed here)',
      severity: 'error',
      from: {
        orphan: true,
        path: '^src/',
        pathNot: ['\\.test\\.ts$', '^src/app/cli/main\\.ts$', '^src/api/generate\\.ts$', '\\.d\\.ts$'],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|web)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
