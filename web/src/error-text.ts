// The server's error codes as a person reads them.
import { ChatError } from '../../client/src/index.js';

const ERROR_TEXT: Readonly<Record<string, string>> = {
  user_not_found: 'No user with that login.',
  wrong_credentials: 'Wrong password.',
  user_already_exists: 'That login is taken.',
  too_many_requests: 'Too many attempts: wait a moment.',
  message_too_long: 'too long',
  invalid_message: 'empty',
  room_not_found: 'No such room.',
  too_many_rooms: 'You have started as many rooms as you may.',
  unavailable: 'The server is unavailable: try again soon.',
  network: 'No connection to the server: try again soon.',
};

export function errorText(error: unknown): string {
  if (error instanceof ChatError) return ERROR_TEXT[error.code] ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

export function codeText(code: string): string {
  return ERROR_TEXT[code] ?? code;
}
