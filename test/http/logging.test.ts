// What reaches the logs of a request URL: every spelling of session_id loses its value.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactUrl } from '../../src/http/logging.js';

const SECRET = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd';

describe('redactUrl', () => {
  for (const name of ['session_id', 'session%5Fid', 'session%5fid', '%73ession_id', 'SESSION_ID']) {
    test(`?${name}= is redacted`, () => {
      const redacted = redactUrl(`/v1/rooms/1/chat?after=3&${name}=${SECRET}&x=1`);
      assert.equal(redacted, `/v1/rooms/1/chat?after=3&${name}=[redacted]&x=1`);
    });
  }

  test('a session_id repeated, first or without a value is redacted each time', () => {
    assert.equal(
      redactUrl(`/x?session_id=${SECRET}&session_id=${SECRET}&session_id`),
      '/x?session_id=[redacted]&session_id=[redacted]&session_id=[redacted]',
    );
  });

  test('malformed escapes and other parameters are kept as they came', () => {
    assert.equal(redactUrl('/x?q=%E0%A4%A&limit=5'), '/x?q=%E0%A4%A&limit=5');
    assert.equal(redactUrl('/v1/info'), '/v1/info');
  });

  test('a malformed URL with a session keeps the session out', () => {
    const redacted = redactUrl(`//x:99999/v1/rooms/1/chat?session%5Fid=${SECRET}`) ?? '';
    assert.ok(!redacted.includes(SECRET));
  });
});
