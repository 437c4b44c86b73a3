import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBlank } from './documents.js';

test('isBlank: separators, comments and blank lines only', () => {
  for (const t of ['', '\n', '---\n', '--- # c\n# x\n\n', '...\n  \r\n', '# only\n# comments']) assert.equal(isBlank(t), true, JSON.stringify(t));
  for (const t of ['a: 1', '---\n# c\na: 1\n', '\n\n  - x\n', `${'# c\n'.repeat(1000)}kind: X`]) assert.equal(isBlank(t), false, JSON.stringify(t.slice(-20)));
});
