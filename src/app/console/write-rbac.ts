// `npm run rbac`: writes deploy/rbac/aggregate.yaml and console.yaml from src/app/console/rbac.ts (a unit test keeps
// them equal; run it after adding a kind to src/api).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { aggregatedRoles, consoleManifest } from './rbac.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'deploy', 'rbac');

function text(header: string[], objects: unknown[]): string {
  return `${header.map((l) => `# ${l}`).join('\n')}\n${objects.map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n')}`;
}

await writeFile(
  join(dir, 'aggregate.yaml'),
  text(["Plinth's ClusterRoles aggregated into Kubernetes' view, edit and admin.", 'Generated from src/app/console/rbac.ts by `npm run rbac` (a unit test keeps them equal).'], aggregatedRoles()),
);
await writeFile(
  join(dir, 'console.yaml'),
  text(["The console's own identity: impersonation, TokenReview and what it reads to serve the UI.", 'Generated from src/app/console/rbac.ts by `npm run rbac` (a unit test keeps them equal).'], consoleManifest()),
);
process.stdout.write('wrote deploy/rbac/aggregate.yaml and deploy/rbac/console.yaml\n');
