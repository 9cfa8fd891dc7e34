/**
 * Redaction of everything the verification prints: the secret key in any of the forms it can take in a log,
 * any run of characters holding a 16-character piece of one, and every connect session token or near-token,
 * including when a secret arrives split across two chunks of a stream.
 */
import { redactor } from '../../contracts/output/redaction';
import { wholeLines } from '../../contracts/output/wholeLines';

const TOKEN = `nango_connect_session_${'9f'.repeat(32)}`;

describe('redacting output', () => {
  const redact = redactor(['s3cr"et/key', 'sk_live_123']);

  it('removes the secret as written, JSON-escaped and URL-encoded', () => {
    expect(redact('key=s3cr"et/key json="s3cr\\"et/key" url=s3cr%22et%2Fkey')).toBe(
      'key=[REDACTED] json="[REDACTED]" url=[REDACTED]',
    );
  });

  it('removes every connect session token, known or not', () => {
    expect(redact(`Authorization: Bearer ${TOKEN}`)).toBe('Authorization: Bearer nango_connect_session_[REDACTED]');
  });

  it('removes a token one character off, or with a letter short of its prefix, as it removes the token', () => {
    for (const near of [
      TOKEN.slice(0, -1),
      `${TOKEN}a`,
      `${TOKEN.slice(0, -1)}G`,
      TOKEN.replace('session_', 'sessio_'),
    ]) {
      expect(redact(`Bearer ${near}`)).not.toMatch(/[0-9a-f]{16}/i);
    }
  });

  it('removes any run of characters that holds a 16-character piece of a secret', () => {
    const key = 'sk-test-0123456789abcdefghij';
    const pieces = redactor([key, TOKEN]);
    expect(
      pieces(
        `key ${key.slice(3, 19)}xyz and ${key.slice(-17)} and ${TOKEN.slice(30, 50)} stay out; short ${key.slice(0, 15)} stays`,
      ),
    ).toBe(`key [REDACTED] and [REDACTED] and [REDACTED] stay out; short ${key.slice(0, 15)} stays`);
  });

  it("removes Pact's own masking of a credential, which keeps its first four characters", () => {
    expect(redact('auth=Token(s3cr*******)')).toBe('auth=Token([REDACTED])');
  });

  it('leaves other text alone', () => {
    expect(redact('verified 7 interactions nationwide; nango_connect_session_short')).toBe(
      'verified 7 interactions nationwide; nango_connect_session_short',
    );
  });

  it('removes every token in a text, each keeping only its public prefix', () => {
    const other = `nango_connect_session_${'0a'.repeat(32)}`;
    expect(redact(`first ${TOKEN}, then ${other}`)).toBe(
      'first nango_connect_session_[REDACTED], then nango_connect_session_[REDACTED]',
    );
  });

  it('removes a secret that contains another whole, whichever is given first', () => {
    for (const secrets of [
      ['abcd', 'abcdefgh'],
      ['abcdefgh', 'abcd'],
    ]) {
      expect(redactor(secrets)('key abcdefgh, short abcd')).toBe('key [REDACTED], short [REDACTED]');
    }
  });

  it('removes a secret of four characters or more, but not a shorter one, which would blank out ordinary words', () => {
    expect(redactor(['abc', 'wxyz'])('abc wxyz')).toBe('abc [REDACTED]');
  });

  it("removes Pact's masking of a credential every time it appears, from eight characters up, whatever its first four are", () => {
    expect(redact('auth=Token(s3cr***) again=Token(s3cr*******)')).toBe(
      'auth=Token([REDACTED]) again=Token([REDACTED])',
    );
    expect(redactor(['abcd1234'])('Token(abcd*****)')).toBe('Token([REDACTED])');
    // Regular-expression metacharacters in those four are taken as written.
    expect(redactor(['a.b+1234'])('Token(a.b+*****) Token(axbb*****)')).toBe('Token([REDACTED]) Token(axbb*****)');
  });

  it('does not take four characters and stars for a secret under eight characters (too common to mean it)', () => {
    expect(redactor(['test123'])('Token(test*****)')).toBe('Token(test*****)');
  });

  it('keeps a long run that holds no piece of a secret, and removes one whose piece is in its last sixteen characters', () => {
    const key = 'sk-test-0123456789abcdefghij';
    const pieces = redactor([key]);
    const unrelated = 'Z'.repeat(40);
    expect(pieces(`run ${unrelated} kept`)).toBe(`run ${unrelated} kept`);
    expect(pieces(`run xyz${key.slice(0, 16)} gone`)).toBe('run [REDACTED] gone');
  });

  it("does not take the token's public prefix for a piece of a token", () => {
    expect(redactor([TOKEN])('nango_connect_session_short, nango_connect_session_')).toBe(
      'nango_connect_session_short, nango_connect_session_',
    );
  });

  it('catches a secret split across two chunks of a stream, the worker output being redacted line by line', () => {
    const printed: string[] = [];
    const lines = wholeLines((line) => printed.push(redact(line)));
    lines.push(Buffer.from('first line sk_li'));
    lines.push(Buffer.from(`ve_123 and ${TOKEN.slice(0, 30)}`));
    lines.push(Buffer.from(`${TOKEN.slice(30)}\nlast line without newline sk_live_123`));
    lines.end();
    expect(printed).toEqual([
      'first line [REDACTED] and nango_connect_session_[REDACTED]',
      'last line without newline [REDACTED]',
    ]);
  });

  it('keeps a UTF-8 character whole when two chunks split it', () => {
    const printed: string[] = [];
    const lines = wholeLines((line) => printed.push(line));
    const bytes = Buffer.from('café ✓\nnaïve ✓', 'utf8');
    const insideE = bytes.indexOf(0xa9); // the second byte of é (c3 a9)
    const insideCheck = bytes.lastIndexOf(0x9c); // the second of ✓'s three (e2 9c 93)
    lines.push(bytes.subarray(0, insideE));
    lines.push(bytes.subarray(insideE, insideCheck));
    lines.push(bytes.subarray(insideCheck));
    lines.end();
    expect(printed).toEqual(['café ✓', 'naïve ✓']);
  });
});
