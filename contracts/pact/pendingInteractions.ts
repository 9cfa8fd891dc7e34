import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import { ConfigurationError } from '../configurationError';
import { read } from '../env';
import { PROJECT_ROOT, projectPath } from '../projectRoot';

/** The committed, reviewed list of interactions the consumer declares pending. */
export const PENDING_INTERACTIONS_FILE = join(PROJECT_ROOT, 'contracts', 'pending-interactions.yaml');

/** PENDING_INTERACTIONS_FILE names another list (a test's); the committed one otherwise. */
export function pendingInteractionsFile(env: NodeJS.ProcessEnv): string {
  return read(env, 'PENDING_INTERACTIONS_FILE') ?? PENDING_INTERACTIONS_FILE;
}

/** One declaration: the interaction (by its pact description), why it is pending, and where it is written. */
export interface PendingDeclaration {
  readonly interaction: string;
  readonly reason: string;
  /** 1-based line of the entry in its file: what to remove once the provider honours it. */
  readonly line: number;
}

const FIELDS = ['interaction', 'reason'] as const;

/** What the pact's comment says of a pending interaction, so verification can tell the reason back. */
export const PENDING_COMMENT_PREFIX = 'pending: ';

/**
 * Reads the declarations strictly: a list of mappings with exactly `interaction` and `reason`, both non-empty
 * text, no interaction twice. Anything else is one line naming the file, the entry and the field.
 */
export function loadPendingInteractions(file: string = PENDING_INTERACTIONS_FILE): PendingDeclaration[] {
  // Named as the project names it (contracts/pending-interactions.yaml), never by a path of this machine.
  const shown = projectPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigurationError(
      `${shown}: ${code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : String(error)}`,
    );
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const [yamlError] = document.errors;
  if (yamlError) {
    const line = lines.linePos(yamlError.pos[0]).line;
    throw new ConfigurationError(
      `${shown}:${line}: is not valid YAML (${(yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')})`,
    );
  }
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return [];
  if (!isSeq(root)) throw new ConfigurationError(`${shown}: expected a list of pending interactions`);
  const seen = new Set<string>();
  return root.items.map((item, index) => {
    const where = `${shown}:${lines.linePos((item as Node).range?.[0] ?? 0).line}: pending interaction #${index + 1}`;
    const declaration = declarationFrom(item, where, (offset) => lines.linePos(offset).line);
    if (seen.has(declaration.interaction))
      throw new ConfigurationError(`${where}: interaction "${declaration.interaction}" is declared twice`);
    seen.add(declaration.interaction);
    return declaration;
  });
}

function declarationFrom(item: Node, where: string, lineAt: (offset: number) => number): PendingDeclaration {
  if (!isMap(item)) throw new ConfigurationError(`${where} is not a mapping (expected interaction and reason)`);
  const values = new Map<string, unknown>();
  for (const pair of item.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!(FIELDS as readonly string[]).includes(key))
      throw new ConfigurationError(`${where}: unknown field '${key}' (known: ${FIELDS.join(', ')})`);
    values.set(key, isScalar(pair.value) ? pair.value.value : pair.value);
  }
  const textField = (name: (typeof FIELDS)[number]): string => {
    const value = values.get(name);
    if (typeof value !== 'string' || value.trim() === '')
      throw new ConfigurationError(`${where}: ${name} must be non-empty text`);
    return value.trim();
  };
  return { interaction: textField('interaction'), reason: textField('reason'), line: lineAt(item.range?.[0] ?? 0) };
}
