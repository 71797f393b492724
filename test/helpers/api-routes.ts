// Every HTTP route of the API, with the answers SPEC.md allows it: the list the fuzz suite and
// the authorisation matrix both walk. A route added to src/http/routes is one more entry here.

/** Answers any route may give: a bad URL or HTTP syntax, a body or headers over the limit. */
export const GENERIC_ANSWERS = [
  '400 bad_request',
  '408 request_timeout',
  '413 payload_too_large',
  '431 headers_too_large',
];

const SESSION = ['401 unauthorized'];
const ROOM = [...SESSION, '422 room_not_found'];

export interface ApiRoute {
  readonly method: 'GET' | 'POST';
  /** With `:id` where a room id goes. */
  readonly path: string;
  /** Whether `X-Session-Id` must name a live session. */
  readonly session: boolean;
  /** `200` and every `"<status> <code>"` SPEC gives this route, besides GENERIC_ANSWERS. */
  readonly answers: readonly string[];
}

const route = (
  method: ApiRoute['method'],
  path: string,
  session: boolean,
  answers: readonly string[],
): ApiRoute => ({ method, path, session, answers: ['200', ...answers, ...GENERIC_ANSWERS] });

const CREDENTIALS = ['422 invalid_json', '403 forbidden_origin', '429 too_many_requests'];

export const API_ROUTES = {
  register: route('POST', '/v1/register', false, [...CREDENTIALS, '422 user_already_exists']),
  login: route('POST', '/v1/login', false, [
    ...CREDENTIALS,
    '422 user_not_found',
    '422 wrong_credentials',
  ]),
  // A body that is not JSON is refused as on every route (SPEC: bodies are read as JSON).
  logout: route('POST', '/v1/logout', true, [...SESSION, '422 invalid_json']),
  info: route('GET', '/v1/info', true, SESSION),
  users: route('GET', '/v1/users', true, [...SESSION, '422 invalid_json']),
  usersSlash: route('GET', '/v1/users/', true, [...SESSION, '422 invalid_json']),
  roomList: route('GET', '/v1/rooms', true, [...SESSION, '422 invalid_json']),
  createRoom: route('POST', '/v1/rooms', true, [
    ...SESSION,
    '422 invalid_json',
    '422 user_not_found',
    '422 too_many_rooms',
    '429 too_many_requests',
  ]),
  room: route('GET', '/v1/rooms/:id', true, ROOM),
  history: route('GET', '/v1/rooms/:id/messages', true, [...ROOM, '422 invalid_json']),
  send: route('POST', '/v1/rooms/:id/messages', true, [
    ...ROOM,
    '422 invalid_json',
    '422 invalid_message',
    '422 message_too_long',
    '429 too_many_requests',
  ]),
  read: route('POST', '/v1/rooms/:id/read', true, [...ROOM, '422 invalid_json']),
  // Its id and after= are checked as for an upgrade, then a plain request is told to upgrade.
  chatOverHttp: route('GET', '/v1/rooms/:id/chat', false, [
    '426 upgrade_required',
    '422 room_not_found',
    '422 invalid_json',
  ]),
  streamOverHttp: route('GET', '/v1/stream', false, ['426 upgrade_required']),
  healthz: route('GET', '/healthz', false, []),
  readyz: route('GET', '/readyz', false, ['503 unavailable']),
  metrics: route('GET', '/metrics', false, SESSION),
  openApi: route('GET', '/v1/openapi.json', false, []),
  asyncApi: route('GET', '/v1/asyncapi.json', false, []),
  docs: route('GET', '/docs', false, []),
} as const satisfies Record<string, ApiRoute>;

export type RouteName = keyof typeof API_ROUTES;

/** Every answer any route may give, for requests whose route cannot be told in advance. */
export const ANY_ANSWER = [
  ...new Set([
    ...Object.values(API_ROUTES).flatMap((known) => known.answers),
    '404 not_found',
    '405 method_not_allowed',
    '412 precondition_failed',
    '416 range_not_satisfiable',
  ]),
];
