// Runs a command-line tool (import-legacy, copy-store) in this process, capturing what it prints.
import { runTool, type ToolCommand } from '../../src/tools/cli.js';

export interface ToolRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runToolCaptured(
  command: ToolCommand,
  args: string[],
  env: Record<string, string> = {},
): Promise<ToolRun> {
  let stdout = '';
  let stderr = '';
  const code = await runTool(command, args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  });
  return { code, stdout, stderr };
}
