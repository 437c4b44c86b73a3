import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlinthError } from '../../../errors/index.js';
import { AGENT_COMMAND_ENV, agentCommand } from './agents.js';

const target = { name: 'edge-1', kubeconfig: '/m/kubeconfig', agentDir: '/m/agent' };
const entry = ['/usr/bin/node', '--import', 'tsx', 'main.ts'];

test('the agent runs as `plinth agent --cluster NAME --kubeconfig MEMBER`, with --hub-kubeconfig only when given', () => {
  assert.deepEqual(agentCommand(target, entry, {}), [...entry, 'agent', '--cluster', 'edge-1', '--kubeconfig', '/m/kubeconfig']);
  assert.deepEqual(agentCommand({ ...target, hubKubeconfig: '/h/agent.kubeconfig' }, entry, {}).slice(-2), ['--hub-kubeconfig', '/h/agent.kubeconfig']);
});

test('another agent command fills in the placeholders; a malformed one is refused', () => {
  const env = { [AGENT_COMMAND_ENV]: JSON.stringify(['dev-agent', '--name={cluster}', '{kubeconfig}', '{hubKubeconfig}']) };
  assert.deepEqual(agentCommand(target, entry, env), ['dev-agent', '--name=edge-1', '/m/kubeconfig', '']);
  for (const bad of ['"dev-agent"', '[]', '[1]']) {
    assert.throws(() => agentCommand(target, entry, { [AGENT_COMMAND_ENV]: bad }), (e: unknown) => e instanceof PlinthError && e.code === 'INVALID_ARGUMENT');
  }
});
