// Session ids: 256 random bits for the client, only their SHA-256 in the database.
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Session ids of the original e_chat_server (UUIDs as PostgreSQL prints them), kept by an import. */
const LEGACY_TOKEN_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Cheap shape check, so garbage never reaches the database. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token) || LEGACY_TOKEN_PATTERN.test(token);
}

/** What the store keeps and what other nodes hear about: never the token itself. */
export function sessionKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
