// One attack in a process of its own, so its sockets and its CPU are not the measuring clients':
// started with the attack's name and target, it answers `started`, then `stopped` with its report.
import { type AttackName, type AttackReport, type AttackTarget, startAttack } from './attacks.js';

export type AttackCommand =
  | { readonly type: 'start'; readonly name: AttackName; readonly target: AttackTarget }
  | { readonly type: 'stop' };

export type AttackAnswer =
  | { readonly type: 'started' }
  | { readonly type: 'stopped'; readonly report: AttackReport }
  | { readonly type: 'failed'; readonly error: string };

function answer(message: AttackAnswer): void {
  process.send?.(message);
}

let running: ReturnType<typeof startAttack> | undefined;

process.on('message', (command: AttackCommand) => {
  if (command.type === 'start') {
    running = startAttack(command.name, command.target);
    running.then(
      () => answer({ type: 'started' }),
      (error: unknown) => answer({ type: 'failed', error: String(error) }),
    );
    return;
  }
  void running
    ?.then((attack) => attack.stop())
    .then((report) => answer({ type: 'stopped', report }))
    .finally(() => process.disconnect());
});
// The benchmark went away: so does its attack.
process.on('disconnect', () => process.exit(0));
