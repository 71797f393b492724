// The library must load in a browser as it is: no import but its own modules (no `ws`, no `node:`).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const SOURCE = new URL('../src/', import.meta.url);

test('every import of client/src is one of its own files', () => {
  const files = readdirSync(SOURCE).filter((name) => name.endsWith('.ts'));
  assert.ok(files.length > 5);
  for (const file of files) {
    const source = readFileSync(new URL(file, SOURCE), 'utf8');
    for (const [, specifier] of source.matchAll(/\bfrom\s+'([^']+)'/g)) {
      assert.match(specifier ?? '', /^\.\/[\w-]+\.js$/, `${file} imports ${specifier}`);
    }
    assert.doesNotMatch(source, /\bimport\(|\brequire\(|\bprocess\./, `${file} reaches for Node`);
  }
});
