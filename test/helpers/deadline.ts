// Every process a test starts has a deadline: a hung child fails its test instead of stalling the run.

/** Longer than any child of the suite lives, shorter than the runner's per-test timeout. */
export const CHILD_DEADLINE_MS = 5 * 60_000;

/** Options for spawn(): the child is killed outright once `ms` have passed. */
export function deadline(ms = CHILD_DEADLINE_MS) {
  return { timeout: ms, killSignal: 'SIGKILL' } as const;
}
