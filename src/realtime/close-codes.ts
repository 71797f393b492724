// WebSocket close codes the server uses, why, and what a client should do on each: one table, which
// the AsyncAPI document shows and the README's table must match (test/http/asyncapi.test.ts).

interface Close {
  readonly code: number;
  readonly meaning: string;
  readonly clientShould: string;
}

export const CLOSES = {
  goingAway: {
    code: 1001,
    meaning: 'server shutting down; everything acknowledged is stored',
    clientShould: 'reconnect (to another node) with `after=<last id seen>`',
  },
  messageTooBig: {
    code: 1009,
    meaning: 'a frame above `WS_MAX_FRAME_BYTES`',
    clientShould: 'fix the client; do not resend that frame',
  },
  serverError: {
    code: 1011,
    meaning: 'server error while setting up the connection',
    clientShould: 'reconnect later with `after=`',
  },
  slowConsumer: {
    code: 1013,
    meaning: 'it read too slowly (more than `WS_MAX_BUFFERED_BYTES` unsent)',
    clientShould: 'reconnect with `after=<last id seen>`',
  },
  loggedOut: {
    code: 4001,
    meaning: 'the session was logged out, expired or deleted',
    clientShould: 'not reconnect with this session',
  },
} as const satisfies Record<string, Close>;

export const CLOSE_CODES = Object.fromEntries(
  Object.entries(CLOSES).map(([name, close]) => [name, close.code]),
) as { readonly [Name in keyof typeof CLOSES]: (typeof CLOSES)[Name]['code'] };
