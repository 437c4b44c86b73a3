import type { Command } from 'commander';
import { registerAssess } from './upgrade/assess.js';
import { registerConvert } from './upgrade/convert.js';
import { registerExport } from './upgrade/export.js';
import { registerImport } from './upgrade/import.js';
import { registerSwitch } from './upgrade/switch.js';
import { registerNodes } from './upgrade/nodes.js';

/**
 * `plinth upgrade …`: move clusters to a new Kubernetes version (assess, convert, export, import,
 * switch, rollback, nodes). Each verb lives in its own file under ./upgrade/ and registers itself here;
 * its implementation under src/upgrade/ is imported only when it runs.
 */
export function registerUpgradeCommands(program: Command): void {
  const upgrade = program
    .command('upgrade')
    .description('upgrade clusters without stopping the business: assess, convert, export/import, switch/rollback, roll nodes');
  registerAssess(upgrade);
  registerConvert(upgrade);
  registerExport(upgrade);
  registerImport(upgrade);
  registerSwitch(upgrade);
  registerNodes(upgrade);
}
