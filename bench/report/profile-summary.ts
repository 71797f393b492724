// `node --import tsx bench/report/profile-summary.ts FILE.cpuprofile [--top=25]`: where a server's
// CPU time went, from a profile written by `npm run bench -- --cpu-prof`. Prints the functions with
// the most self time, and the most inclusive time, each as a share of the sampled time.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}

interface Profile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

function frameName({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  const file = url.startsWith('file:') ? relative(process.cwd(), fileURLToPath(url)) : url;
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

function summarise(profile: Profile) {
  const selfByNode = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  // Depth-first from the root, counting a frame once per stack even when it recurses.
  const walk = (id: number, onStack: Set<string>): number => {
    const node = nodes.get(id);
    if (!node) return 0;
    const name = frameName(node.callFrame);
    const own = selfByNode.get(id) ?? 0;
    self.set(name, (self.get(name) ?? 0) + own);
    const entered = !onStack.has(name);
    if (entered) onStack.add(name);
    let total = own;
    for (const child of node.children ?? []) total += walk(child, onStack);
    if (entered) {
      onStack.delete(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + total);
    }
    return total;
  };
  const total = walk(profile.nodes[0]?.id ?? 1, new Set());
  return { total, self, inclusive };
}

function top(map: Map<string, number>, total: number, count: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([name, micros]) =>
        `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    );
}

// Piped into `head`: stop quietly when the reader has had enough.
process.stdout.on('error', () => process.exit(0));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
for (const file of positionals) {
  const { total, self, inclusive } = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const count = Number(values.top);
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n\nself time:`);
  console.log(top(self, total, count).join('\n'));
  console.log('\ninclusive time:');
  console.log(top(inclusive, total, count).join('\n'));
}
