// Login rules: what a login may be, and the folded key that makes logins unique regardless of case.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  loginKey,
  normaliseLogin,
  validateNewPassword,
  validatePassword,
} from '../../src/domain/login.js';
import { AppError } from '../../src/errors.js';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'invalid_json');
    return error.message;
  }
  assert.fail('expected invalid_json');
}

describe('loginKey', () => {
  test('folds case, Cyrillic included', () => {
    assert.equal(loginKey('Вася'), loginKey('вАСЯ'));
    assert.equal(loginKey('ВАСЯ'), 'вася');
    assert.equal(loginKey('Ёжик'), loginKey('ёЖИК'));
  });

  test('folds fully: ß and ẞ are ss, final sigma is sigma', () => {
    assert.equal(loginKey('Straße'), loginKey('STRASSE'));
    assert.equal(loginKey('ß'), 'ss');
    assert.equal(loginKey('ẞ'), 'ss');
    assert.equal(loginKey(loginKey('ẞ')), loginKey('ẞ'));
    assert.equal(loginKey('ΟΔΟΣ'), loginKey('οδος'));
    assert.equal(loginKey('οδος'), loginKey('οδοσ'));
  });

  test('NFC and NFD spellings share a key', () => {
    assert.equal(loginKey('Jos\u00e9'), loginKey('Jose\u0301'));
    assert.equal(loginKey('\u00c9cole'), loginKey('e\u0301cole'));
    assert.equal(loginKey('Й'), loginKey('И\u0306'));
  });

  test('fullwidth and other compatibility look-alikes share the plain key', () => {
    assert.equal(loginKey('\uff36\uff41\uff53\uff59\uff41'), loginKey('Vasya')); // Ｖａｓｙａ
    assert.equal(loginKey('ｖａｓｙａ_１'), loginKey('VASYA_1'));
    assert.equal(loginKey('𝔘ser'), loginKey('user'));
    assert.equal(loginKey('\ufb01ne'), loginKey('FINE')); // the ﬁ ligature
  });

  test('different logins keep different keys', () => {
    assert.notEqual(loginKey('вася'), loginKey('ваня'));
    assert.notEqual(loginKey('e'), loginKey('é'));
    assert.notEqual(loginKey('a_b'), loginKey('a%b'));
  });

  test('is idempotent and ignores case, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const key = loginKey(text);
        assert.equal(loginKey(key), key);
        assert.equal(loginKey(text.toUpperCase()), key);
        assert.equal(loginKey(text.toLowerCase()), key);
        assert.equal(loginKey(text.normalize('NFD')), key);
      }),
      { numRuns: 500 },
    );
  });
});

describe('normaliseLogin', () => {
  test('returns the login in NFC, keeping its case', () => {
    assert.equal(normaliseLogin('Jose\u0301'), 'Jos\u00e9');
    assert.equal(normaliseLogin('Василий'), 'Василий');
    assert.equal(normaliseLogin('a b'), 'a b');
  });

  test('1 to 64 characters after NFC, counted as code points', () => {
    assert.equal(normaliseLogin('x'), 'x');
    assert.equal(normaliseLogin('😀'.repeat(64)), '😀'.repeat(64));
    // 65 code points before NFC, 64 after: the NFC length counts.
    assert.equal(normaliseLogin(`${'a'.repeat(63)}e\u0301`), `${'a'.repeat(63)}é`);
    assert.match(
      refusal(() => normaliseLogin('')),
      /1 to 64/,
    );
    assert.match(
      refusal(() => normaliseLogin('😀'.repeat(65))),
      /1 to 64/,
    );
  });

  test('no control characters', () => {
    for (const control of ['\u0000', '\n', '\r', '\t', '\u001b', '\u007f', '\u0085', '\u009f']) {
      assert.match(
        refusal(() => normaliseLogin(`a${control}b`)),
        /control/,
      );
    }
  });

  test('no invisible characters: zero-width, joiners, BOM, fillers, soft hyphen', () => {
    const invisible = [
      '\u200b',
      '\u200c',
      '\u200d',
      '\u2060',
      '\ufeff',
      '\u00ad',
      '\u034f',
      '\u3164',
    ];
    for (const character of [...invisible, '\u180e', '\ufe0f', '\u{e0001}']) {
      assert.match(
        refusal(() => normaliseLogin(`Va${character}sya`)),
        /invisible/,
      );
    }
  });

  test('no leading or trailing spaces, of any kind', () => {
    for (const login of [' a', 'a ', '\u00a0a', 'a\u3000', '\u2003a', ' ']) {
      assert.match(
        refusal(() => normaliseLogin(login)),
        /spaces/,
      );
    }
    assert.equal(normaliseLogin('a\u00a0b'), 'a\u00a0b');
  });

  test('well-formed Unicode only: lone surrogates are refused', () => {
    for (const login of ['\ud800', 'a\udc00', '\udc00\ud800']) {
      assert.match(
        refusal(() => normaliseLogin(login)),
        /Unicode/,
      );
    }
    assert.equal(normaliseLogin('𝔘'), '𝔘');
  });
});

describe('validatePassword', () => {
  test('8 to 1024 characters, counted as code points', () => {
    validatePassword('12345678');
    validatePassword('😀'.repeat(8));
    validatePassword('я'.repeat(1024));
    assert.match(
      refusal(() => validatePassword('1234567')),
      /8 to 1024/,
    );
    assert.match(
      refusal(() => validatePassword('x'.repeat(1025))),
      /8 to 1024/,
    );
    assert.match(
      refusal(() => validatePassword('😀'.repeat(7))),
      /8 to 1024/,
    );
  });

  test('anything else goes, spaces and controls included, but not lone surrogates', () => {
    validatePassword('  with spaces  ');
    validatePassword('tab\tand\nnewline');
    assert.match(
      refusal(() => validatePassword('abcdefgh\ud800')),
      /Unicode/,
    );
  });
});

describe('validateNewPassword', () => {
  test('common passwords are refused whatever their case; so are blank or one-character ones', () => {
    const common = ['12345678', 'password', 'PassWord', 'qwertyuiop', 'iloveyou', 'letmein1'];
    for (const password of [...common, ' '.repeat(8), 'a'.repeat(12), '\u3000'.repeat(8)]) {
      assert.match(
        refusal(() => validateNewPassword(password)),
        /common|guess/,
        JSON.stringify(password),
      );
    }
  });

  test('other passwords of a valid length pass; the length rules still apply', () => {
    for (const password of [
      'pass:word1',
      'correct horse battery',
      'Пароль-надёжный',
      '😀😁😀😁😀😁😀😁',
    ]) {
      validateNewPassword(password);
    }
    assert.match(
      refusal(() => validateNewPassword('x7#')),
      /8 to 1024/,
    );
  });
});
