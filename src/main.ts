#!/usr/bin/env node
// Entry point: read the configuration, start the server, shut down cleanly on SIGTERM/SIGINT;
// or, given a tool's name (import-legacy, copy-store), run that tool instead.
import { createServer } from './app.js';
import { type Config, ConfigError, helpText, loadConfig } from './config.js';
import { isToolCommand, runTool } from './tools/cli.js';

function readConfig(): Config {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(helpText());
    process.exit(0);
  }
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`e-chat-server: ${error.message}\n`);
    process.exit(2);
  }
}

async function runServer(): Promise<void> {
  const config = readConfig();
  const server = await createServer(config);
  await server.listen();

  let stopping = false;
  function shutdown(signal: string): void {
    if (stopping) return;
    stopping = true;
    server.http.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      server.http.log.error('graceful shutdown timed out');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.http.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

const [command, ...args] = process.argv.slice(2);
if (isToolCommand(command)) process.exit(await runTool(command, args));
else await runServer();
