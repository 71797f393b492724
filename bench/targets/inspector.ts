// A full garbage collection in another Node process, through its inspector (started with
// --inspect=127.0.0.1:0), so that memory figures compare live data rather than garbage.
import WebSocket from 'ws';
import type { Started } from './processes.js';

export const INSPECT_FLAG = '--inspect=127.0.0.1:0';

export async function collectGarbage(child: Started): Promise<void> {
  const address = /Debugger listening on (ws:\/\/\S+)/.exec(child.stderr())?.[1];
  if (!address) throw new Error(`${child.name} was not started with ${INSPECT_FLAG}`);
  const ws = new WebSocket(address);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        if (JSON.parse(data.toString()).id === 1) resolve();
      });
      ws.once('error', reject);
      ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    });
  } finally {
    ws.close();
  }
}
