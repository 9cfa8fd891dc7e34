/**
 * Settings from the environment, read one way for every variable: trimmed, blank the same as unset; booleans
 * `true`/`false` in any case; whole numbers as digits only; http(s) URLs without credentials. Anything else is
 * refused in one line naming the variable.
 */
import { ConfigurationError } from '../../contracts/configurationError';
import { booleanFrom, httpUrl, read, wholeNumber } from '../../contracts/env';
import { versionInfo } from '../../contracts/broker/versionInfo';

describe('reading a variable', () => {
  it('trims it, and takes a blank one as unset', () => {
    expect(read({ A: '  x ' }, 'A')).toBe('x');
    expect(read({ A: '   ' }, 'A')).toBeUndefined();
    expect(read({}, 'A')).toBeUndefined();
  });
});

describe('booleans', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    [' True ', true],
    ['false', false],
    ['FALSE', false],
    ['', true],
  ])('read %j as %p (default true)', (value, expected) => {
    expect(booleanFrom({ FLAG: value }, 'FLAG', true)).toBe(expected);
  });

  it.each(['yes', '1', 'on'])('refuse %j by name', (value) => {
    expect(() => booleanFrom({ FLAG: value }, 'FLAG', false)).toThrow(
      new ConfigurationError(`FLAG must be true or false (got ${JSON.stringify(value)})`),
    );
  });

  it('mean the same for PACT_ALLOW_DIRTY as for every other flag', () => {
    const dirty = { commit: 'abc123', branch: 'main', dirty: true };
    expect(versionInfo('consumer', { PACT_ALLOW_DIRTY: 'TRUE' }, dirty).version).toBe('abc123');
    expect(() => versionInfo('consumer', { PACT_ALLOW_DIRTY: 'yes' }, dirty)).toThrow(
      'PACT_ALLOW_DIRTY must be true or false (got "yes")',
    );
  });
});

describe('whole numbers', () => {
  it.each([
    ['250', 250],
    [' 7 ', 7],
    ['', 10],
  ])('read %j', (value, expected) => {
    expect(wholeNumber({ N: value }, 'N', 10, 1)).toBe(expected);
  });

  it.each(['0x10', '1e3', '1.5', '-1', 'ten'])('refuse %j', (value) => {
    expect(() => wholeNumber({ N: value }, 'N', 10, 1)).toThrow(
      `N must be a whole number of milliseconds above 0 (got ${JSON.stringify(value)})`,
    );
  });
});

describe('URLs', () => {
  it('take http and https, and say what is wrong with anything else', () => {
    expect(httpUrl('U', 'https://api.nango.dev')).toBe('https://api.nango.dev/');
    expect(() => httpUrl('U', 'ftp://x')).toThrow('U "ftp://x" must use http:// or https://');
    expect(() => httpUrl('U', 'nope', { example: 'https://x' })).toThrow(
      'U "nope" is not a URL: expected e.g. https://x',
    );
    expect(() => httpUrl('U', 'https://u:p@x', { credentialsHint: 'put them in U_TOKEN' })).toThrow(
      'U must not carry credentials: put them in U_TOKEN',
    );
    expect(() => httpUrl('U', 'https://x?q=1')).toThrow('U "https://x?q=1" must not carry a query or a fragment');
    expect(httpUrl('U', 'https://x/p?q=1', { queryAllowed: true })).toBe('https://x/p?q=1');
  });
});
