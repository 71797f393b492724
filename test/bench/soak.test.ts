// `npm run soak`, bounded: 60 s in CI (SOAK_SECONDS to change it), 20 s elsewhere. The script
// exits 0 only when no watched quantity grows past its bound and the traffic met no failure.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { deadline } from '../helpers/deadline.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? (process.env.CI ? 60 : 20));

test(`a ${SECONDS} s soak of mixed traffic: memory, lag, handles and descriptors stay flat`, async (t) => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/soak.ts', `--seconds=${SECONDS}`],
    { stdio: ['ignore', 'pipe', 'pipe'], ...deadline((SECONDS + 120) * 1000) },
  );
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      output += chunk;
    });
  }
  const [code] = (await once(child, 'exit')) as [number | null];
  for (const line of output.trim().split('\n')) t.diagnostic(line);
  assert.equal(code, 0, output);
  assert.match(output, /traffic: .*"failures":0/);
  for (const watched of ['rss', 'lagP99', 'handles', 'descriptors']) {
    assert.match(output, new RegExp(`^ +${watched} .* flat$`, 'm'));
  }
});
