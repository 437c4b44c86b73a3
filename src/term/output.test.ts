import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOutputFormat, render, renderTable } from './output.js';
import type { PlinthError } from '../errors/index.js';

const rows = [
  { name: 'plinth', nodes: 6, note: '' },
  { name: 'member-1', nodes: 30, note: 'x' },
];
const columns = [
  { header: 'Name', value: (r: (typeof rows)[number]) => r.name },
  { header: 'Nodes', value: (r: (typeof rows)[number]) => r.nodes },
  { header: 'Note', value: (r: (typeof rows)[number]) => r.note, wide: true },
];

test('tables align columns like kubectl and hide wide columns unless asked', () => {
  assert.equal(renderTable(rows, columns), 'NAME       NODES\nplinth     6\nmember-1   30\n');
  assert.equal(renderTable(rows, columns, true), 'NAME       NODES   NOTE\nplinth     6       <none>\nmember-1   30      x\n');
});

test('json and yaml print the given document', () => {
  assert.deepEqual(JSON.parse(render('json', { items: rows, json: { items: rows }, columns })), { items: rows });
  assert.match(render('yaml', { items: rows, json: { a: 1 }, columns }), /^a: 1\n$/);
});

test('an unknown output format is refused with the list of known ones', () => {
  assert.equal(parseOutputFormat(undefined), 'table');
  assert.throws(
    () => parseOutputFormat('xml'),
    (err: PlinthError) => /"xml" is not a known format/.test(err.message) && err.hint === 'use one of: table, wide, json, yaml, name',
  );
});
