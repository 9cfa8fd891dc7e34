import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../contracts/projectRoot';

/**
 * docs/configuration.md against the code: every variable the product reads through contracts/env.ts (or by name
 * from process.env) has a row, and each default the code gives (a `wholeNumber`/`booleanFrom` fallback, what
 * follows `read(…) ??`) is the one the row says. The defaults are read from the sources, never written here.
 */

const CONTRACTS = join(PROJECT_ROOT, 'contracts');
const DOC = join(PROJECT_ROOT, 'docs', 'configuration.md');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** One line, as a formatter may break a call over several: `f(\n  a,\n  b,\n)` reads `f(a, b)`. */
const flat = (text: string): string => text.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/,? \)/g, ')');

const sources = sourceFiles(CONTRACTS).map((file) => ({ file: relative(PROJECT_ROOT, file), text: flat(readFileSync(file, 'utf8')) }));

/** The rows of every table of the page, by variable: a row may name several (`PORT`, `HOST`). */
function docRows(markdown: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 6 || !cells[1]?.startsWith('`')) continue;
    for (const [, name] of cells[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)) rows.set(name ?? '', cells[4] ?? '');
  }
  return rows;
}

/** Every variable a product source reads by a literal name. */
function variablesRead(text: string): string[] {
  const names = [
    ...text.matchAll(/\b(?:read|booleanFrom|wholeNumber|httpUrlFrom)\([\w.]+, '([A-Z][A-Z0-9_]*)'/g),
    // Read, not written: `env['FORCE_COLOR'] = '0'` sets a variable for a library.
    ...text.matchAll(/\benv\['([A-Z][A-Z0-9_]*)'\](?! = )/g),
    ...text.matchAll(/const \w+_ENV = '([A-Z][A-Z0-9_]*)'/g),
  ].map((match) => match[1] ?? '');
  return [...new Set(names)];
}

interface CodeDefault {
  readonly name: string;
  readonly file: string;
  /** The expression the code falls back to, as written. */
  readonly expression: string;
}

/** Each fallback a source gives a variable: `wholeNumber(env, 'X', F, …)`, `booleanFrom(env, 'X', F)`, `read(env, 'X') ?? F`. */
function codeDefaults(file: string, text: string): CodeDefault[] {
  const found: CodeDefault[] = [];
  const line = flat(text);
  {
    for (const match of line.matchAll(/\b(?:wholeNumber|booleanFrom)\([\w.]+, '([A-Z][A-Z0-9_]*)', ([^,)]+)/g)) {
      const name = match[1] ?? '';
      // Read only when set (`read(env, 'X') === undefined ? undefined : wholeNumber(…)`): its default is "unset".
      const onlyWhenSet = line.includes(`read(env, '${name}') === undefined ? undefined : wholeNumber(env, '${name}'`);
      found.push({ name, file, expression: onlyWhenSet ? 'undefined' : (match[2] ?? '').trim() });
    }
    for (const match of line.matchAll(/\b(?:read|httpUrlFrom)\([\w.]+, '([A-Z][A-Z0-9_]*)'(?:, \{[^}]*\})?\)\)? \?\? ([^;]+?)\)?(?:;|\.replace|$)/g)) {
      // A local value (`?? given`, where the variable is known to be set) narrows a type; it is no default.
      if (/^[a-z]\w*$/.test(match[2] ?? '')) continue;
      found.push({ name: match[1] ?? '', file, expression: (match[2] ?? '').trim().replace(/ \}$/, '') });
    }
  }
  return found;
}

/** The value(s) an expression stands for, as the page would write them; constants are looked up in the sources. */
function valuesOf(expression: string, file: string): string[] {
  const text = expression.trim();
  // Unset, or another variable's value (`(pactUrl === undefined ? undefined : …)`): the page says "unset".
  if (text === 'undefined' || /^\(.* \? undefined : /.test(text)) return ['unset'];
  if (/^-?[\d_]+$/.test(text)) return [text.replace(/_/g, '')];
  if (text === 'true' || text === 'false') return [text];
  const quoted = /^'([^']*)'$/.exec(text);
  if (quoted) return [quoted[1] ?? ''];
  const joined = /^join\(PROJECT_ROOT, ((?:'[^']*'(?:, )?)+)\)$/.exec(text);
  if (joined) return [[...(joined[1] ?? '').matchAll(/'([^']*)'/g)].map((part) => part[1]).join('/')];
  const object = /^\{([^}]*)\}(?: as const)?$/.exec(text);
  if (object) return [...(object[1] ?? '').matchAll(/\w+: ([^,]+)/g)].flatMap((entry) => valuesOf(entry[1] ?? '', file));
  const constant = /^([A-Z][A-Z0-9_]*)(?:\[[^\]]+\])?$/.exec(text);
  if (constant) {
    const name = constant[1] ?? '';
    const own = sources.find((source) => source.file === file);
    const definition = [own, ...sources].flatMap((source) => (source ? [...source.text.matchAll(new RegExp(`const ${name} = ([^;]+);`, 'g'))] : []))[0];
    if (!definition) throw new Error(`${file}: cannot find the constant ${name}`);
    return valuesOf(definition[1] ?? '', file);
  }
  const comparison = /^\w+ === '([^']*)'$/.exec(text);
  if (comparison) return [comparison[1] ?? ''];
  throw new Error(`${file}: cannot read the default ${JSON.stringify(text)}`);
}

/** Whether the page's default cell says `value`: a number or boolean in backticks, a text anywhere in the cell. */
function cellSays(cell: string, value: string): boolean {
  return /^(?:-?\d+|true|false)$/.test(value) ? cell.includes(`\`${value}\``) : cell.includes(value);
}

describe('docs/configuration.md agrees with the code', () => {
  const rows = docRows(readFileSync(DOC, 'utf8'));

  it('has a row for every variable the product reads', () => {
    const missing = sources.flatMap(({ file, text }) => variablesRead(text).filter((name) => !rows.has(name)).map((name) => `${name} (${file})`));
    // CI detection variables are listed in a paragraph, not a table: they are never set by hand.
    const listed = readFileSync(DOC, 'utf8');
    expect(missing.filter((entry) => !listed.includes(`\`${entry.split(' ')[0] ?? ''}\``))).toEqual([]);
    expect(sources.flatMap(({ text }) => variablesRead(text)).length).toBeGreaterThan(30);
  });

  it("says each default the code gives", () => {
    const defaults = sources.flatMap(({ file, text }) => codeDefaults(file, text));
    expect(defaults.map(({ name }) => name)).toEqual(expect.arrayContaining(['NANGO_TIMEOUT_MS', 'HOSTILE_RUNS', 'LOG_LEVEL', 'KNOWN_FINDINGS_FILE', 'PACT_WEBHOOK_GITHUB_API_URL']));
    const wrong = defaults.flatMap(({ name, file, expression }) => {
      const cell = rows.get(name);
      if (cell === undefined) return [`${name}: no row (default ${expression} in ${file})`];
      return valuesOf(expression, file)
        .filter((value) => !cellSays(cell, value))
        .map((value) => `${name}: the code's default is ${value} (${expression} in ${file}), the page says "${cell}"`);
    });
    expect(wrong).toEqual([]);
  });

  it('reads defaults the way the page writes them', () => {
    expect(valuesOf('10_000', 'x.ts')).toEqual(['10000']);
    expect(valuesOf('DEFAULT_RUNS[live.target.kind]', 'contracts/hostile/hostileSettings.ts')).toEqual(['1000', '220']);
    expect(valuesOf("join(PROJECT_ROOT, 'contracts', 'known-findings.yaml')", 'x.ts')).toEqual(['contracts/known-findings.yaml']);
    expect(cellSays('`1000` on the embedded provider', '100')).toBe(false);
    expect(cellSays('`1000` on the embedded provider', '1000')).toBe(true);
    expect(codeDefaults('x.ts', "const v = read(env, 'LOG_LEVEL') ?? 'warn';")).toEqual([{ name: 'LOG_LEVEL', file: 'x.ts', expression: "'warn'" }]);
  });
});
