// Password hashing with argon2id, computed on libuv's thread pool, off the event loop.
import { hash, verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id`: the package exports it as a const enum, which isolated modules cannot read. */
const ARGON2ID = 2;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hashed: string, password: string): Promise<boolean>;
}

export interface Argon2Options {
  readonly memoryKib: number;
  readonly iterations: number;
}

export function argon2Hasher({ memoryKib, iterations }: Argon2Options): PasswordHasher {
  const options = {
    algorithm: ARGON2ID,
    memoryCost: memoryKib,
    timeCost: iterations,
    parallelism: 1,
  };
  return {
    hash: (password) => hash(password, options),
    verify: async (hashed, password) => {
      try {
        return await verify(hashed, password);
      } catch {
        return false;
      }
    },
  };
}
