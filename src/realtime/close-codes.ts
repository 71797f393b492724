// WebSocket close codes the server uses, and what a client should do on each.
export const CLOSE_CODES = {
  /** Server shutting down: reconnect (to another node) with `after=`. */
  goingAway: 1001,
  /** A frame above the hard size cap (sent by `ws` itself): fix the client. */
  messageTooBig: 1009,
  /** The server could not set the connection up (storage down): reconnect later with `after=`. */
  serverError: 1011,
  /** The client read too slowly: reconnect with `after=` to catch up. */
  slowConsumer: 1013,
  /** The session was logged out: do not reconnect with it. */
  loggedOut: 4001,
} as const;
