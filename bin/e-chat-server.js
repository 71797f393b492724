#!/usr/bin/env node
// `e-chat-server [tool …]`: the server, or one of its tools, run from the TypeScript sources
// through tsx (a runtime dependency), exactly as `npm start` runs it: no build step.
import 'tsx';

await import('../src/main.ts');
