// Generated bad input for the property-based suites, and how many cases each property runs.
// FUZZ_SCALE=10 runs ten times as many (a soak); FUZZ_SEED (and FUZZ_PATH, with one property
// picked by --test-name-pattern) replays the failure fast-check printed.
import fc from 'fast-check';

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const SEED = process.env.FUZZ_SEED;
const PATH = process.env.FUZZ_PATH;

/** Every case the properties of this process ran, to print with the suite's figures. */
let casesRun = 0;

/** fast-check's options for `runs` cases (scaled); its failure message names seed and path. */
export function fuzzOptions(runs: number): fc.Parameters<unknown> {
  const numRuns = Math.max(1, Math.round(runs * SCALE));
  casesRun += numRuns;
  return {
    numRuns,
    // The failed assertion's own message in the report, beside seed and path.
    includeErrorInReport: true,
    ...(SEED !== undefined && { seed: Number(SEED) }),
    ...(PATH !== undefined && { path: PATH }),
  };
}

export function fuzzCasesRun(): number {
  return casesRun;
}

/** Any UTF-16 code unit: lone surrogates, NUL, controls, the lot. */
export const anyCodeUnit = fc
  .integer({ min: 0, max: 0xffff })
  .map((unit) => String.fromCharCode(unit));

/** Texts that break naive code: encodings, injections, edge lengths, invisible characters. */
export const nastyText = fc.oneof(
  fc.string({ unit: anyCodeUnit, maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom(
    '',
    ' ',
    '%',
    '_',
    '%_%',
    '\\',
    "' OR '1'='1",
    '"; DROP TABLE users; --',
    '\u0000',
    '\ud800',
    '\udfff',
    '\u200b',
    '\u2800',
    '\ufeff',
    'Ｖａｓｙａ',
    'Вася',
    'ВАСЯ ',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    'a'.repeat(65),
    'p'.repeat(1025),
    'x'.repeat(100_000),
  ),
);

/** Numbers a parser gets wrong: past 2^53, zero, negative, fractions, exponents. */
export const edgeNumber = fc.oneof(
  fc.integer({ min: -3, max: 40 }),
  fc.double(),
  fc.constantFrom(0, -0, -1, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 1e300, -1e300, 0.5),
);

export const anyValue = fc.oneof(nastyText, edgeNumber, fc.jsonValue({ maxDepth: 3 }));

/** The same numbers as they appear in URLs, plus text that is no number at all. */
export const edgeNumberText = fc.oneof(
  edgeNumber.map(String),
  fc.constantFrom(
    '',
    '00',
    '01',
    '1e3',
    '0x10',
    '+1',
    ' 1',
    '1 ',
    'Infinity',
    '-Infinity',
    'NaN',
    'null',
    '9007199254740993',
    '99999999999999999999',
    '18446744073709551616',
    '1'.repeat(400),
  ),
);

/** Percent-encodes UTF-16 as UTF-8 bytes, lone surrogates included (as WTF-8). */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    const bytes =
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        : [...Buffer.from(char)];
    encoded += bytes.map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
  return encoded;
}

/** A URL value: generated text, percent-encoded (so any code unit arrives), at most 3000 bytes. */
export const urlValue = fc
  .oneof(nastyText, edgeNumberText)
  .map((text) => percentEncode(text).slice(0, 3000));

/** Bytes a body may be: JSON of a value, raw text, invalid UTF-8, deep nesting, duplicated keys. */
export function bodyOf(shaped: fc.Arbitrary<unknown>): fc.Arbitrary<string | Buffer | undefined> {
  return fc.oneof(
    { weight: 6, arbitrary: shaped.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string({ unit: anyCodeUnit, maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{}',
        'null',
        '[]',
        '{"a":1,"a":2}',
        `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
        `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '1e400',
        '"\\ud800"',
        '\ufeff{}',
        JSON.stringify({ x: 'y'.repeat(70_000) }),
        Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
        Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
      ),
    },
  );
}

/** JSON text of an object with one key written twice: which one wins is the parser's choice. */
export function duplicatedKey(key: string, first: unknown, second: unknown, rest = {}): string {
  const others = JSON.stringify(rest).slice(1, -1);
  const pair = (value: unknown) => `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  return `{${pair(first)},${pair(second)}${others ? `,${others}` : ''}}`;
}

/** Header values Node's client will send (no CR, LF or code points past 0xff). */
const headerChar = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((code) => code !== 0x7f)
  .map((code) => String.fromCharCode(code));
export const headerText = fc.string({ unit: headerChar, maxLength: 200 });

/** Extra headers a request may carry: odd content types, encodings, origins, junk; often none. */
export const extraHeaders: fc.Arbitrary<Record<string, string | string[]>> = fc
  .array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.tuple(
          fc.constant('content-type'),
          fc.oneof(
            fc.constantFrom(
              'application/json',
              'application/json; charset=utf-8',
              'application/json; charset=latin1',
              'text/plain',
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=x',
              'application/xml',
              'nonsense',
              '',
              ';;;',
            ),
            headerText,
          ),
        ),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(fc.constant('accept'), fc.constantFrom('text/html', '*/*', '')),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constant('content-encoding'), fc.constantFrom('gzip', 'br', 'x')),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(
          fc.constant('origin'),
          fc.constantFrom('null', 'https://evil.example', 'http://127.0.0.1', ''),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(
          fc.constant('sec-fetch-site'),
          fc.constantFrom('cross-site', 'same-site', 'none'),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(
          fc.constant('x-forwarded-for'),
          fc.constantFrom('1.2.3.4', 'nonsense', '::1, 10.0.0.1'),
        ),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(
          fc.constant('x-junk'),
          fc.oneof(headerText, fc.array(headerText, { minLength: 2, maxLength: 3 })),
        ),
      },
    ),
    { maxLength: 2 },
  )
  .map((pairs) => Object.fromEntries(pairs));
