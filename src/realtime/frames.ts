// The client → server frame: `{"text": "...", "client_id": "..."}`; everything else it may carry is ignored.

import { CLIENT_ID_MAX_CHARS } from '../domain/messages.js';
import type { ErrorCode } from '../errors.js';

export type ParsedFrame =
  | { readonly ok: true; readonly text: string; readonly clientId: string | null }
  | { readonly ok: false; readonly code: ErrorCode; readonly clientId: string | null };

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseFrame(data: Buffer, isBinary: boolean): ParsedFrame {
  if (isBinary) return { ok: false, code: 'invalid_json', clientId: null };
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return { ok: false, code: 'invalid_json', clientId: null };
  }
  if (!isObject(value)) return { ok: false, code: 'invalid_json', clientId: null };
  const { text, client_id: clientId = null } = value;
  const echo = typeof clientId === 'string' ? clientId : null;
  const validClientId =
    clientId === null ||
    (typeof clientId === 'string' &&
      clientId.length > 0 &&
      clientId.length <= CLIENT_ID_MAX_CHARS &&
      // PostgreSQL cannot store NUL or a lone surrogate: one such id would fail its whole batch.
      clientId.isWellFormed() &&
      !clientId.includes('\u0000'));
  if (typeof text !== 'string' || !validClientId) {
    return { ok: false, code: 'invalid_json', clientId: echo };
  }
  return { ok: true, text, clientId: echo };
}

export function errorFrame(code: ErrorCode, clientId: string | null): string {
  return JSON.stringify(
    clientId === null ? { error: { code } } : { error: { code }, client_id: clientId },
  );
}

/** The stored message as the sender's acknowledgement: the shared JSON plus its client id. */
export function ackFrame(wire: string, clientId: string): string {
  return `${wire.slice(0, -1)},"client_id":${JSON.stringify(clientId)}}`;
}
