// Asserts that a reply is SPEC.md's error shape: the status, the code, JSON and nothing else.
import assert from 'node:assert/strict';
import type { Reply } from './http.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** Checks status, code and content type; returns the optional human-readable message. */
export function expectError(reply: Reply, status: number, code: string): string | undefined {
  assert.equal(reply.status, status, `expected ${status} ${code}, got ${JSON.stringify(reply)}`);
  assert.equal(reply.headers.get('content-type'), JSON_TYPE);
  const { error } = reply.body as { error: { code: string; message?: string } };
  assert.equal(error.code, code);
  assert.deepEqual(Object.keys(reply.body as object), ['error']);
  assert.ok(Object.keys(error).every((key) => key === 'code' || key === 'message'));
  return error.message;
}
