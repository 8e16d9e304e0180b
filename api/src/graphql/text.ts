import { Kind, visit, type DocumentNode, type GraphQLError } from 'graphql';
import { asGraphQLError, badInput } from '../errors';

// PostgreSQL's text and jsonb cannot hold U+0000, and a lone UTF-16 surrogate is no character:
// such a string fails in SQL halfway through a request (after earlier writes) or is silently
// changed. The whole request is refused before anything runs, naming where the string was.
const INVALID_TEXT = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const isValidText = (text: string): boolean => !INVALID_TEXT.test(text);

/** Invalid characters replaced (U+FFFD), for text about a refused request that must be stored. */
export const storableText = (text: string): string =>
  text.replace(new RegExp(INVALID_TEXT.source, 'g'), '\ufffd');

/** The path of the first invalid string (value or object key) in JSON variables, or null. */
function invalidPath(variables: Record<string, unknown>): string | null {
  // iterative: a 256 kB body can nest deeper than the call stack
  const stack: [unknown, string][] = Object.entries(variables).map(([k, v]) => [v, k]);
  for (const key of Object.keys(variables)) if (!isValidText(key)) return storableText(key);
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (!isValidText(value)) return path;
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, `${path}.${i}`]));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (!isValidText(key)) return `${path}.${storableText(key)}`;
        stack.push([item, `${path}.${key}`]);
      }
    }
  }
  return null;
}

/** The argument path of the first invalid string literal in the document, or null. */
function invalidLiteral(document: DocumentNode): string | null {
  let found: string | null = null;
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      if (found !== null || isValidText(node.value)) return;
      const names: string[] = [];
      for (const ancestor of [...ancestors, parent]) {
        if (!ancestor) continue;
        if (Array.isArray(ancestor) || !('kind' in ancestor)) continue;
        if (ancestor.kind === Kind.ARGUMENT || ancestor.kind === Kind.OBJECT_FIELD)
          names.push(ancestor.name.value);
        else if (ancestor.kind === Kind.VARIABLE_DEFINITION)
          names.push(ancestor.variable.name.value);
      }
      found = names.join('.') || 'query';
    },
  });
  return found;
}

/** BAD_USER_INPUT (reason INVALID_TEXT) for a request holding U+0000 or a lone surrogate. */
export function invalidTextRefusal(
  document: DocumentNode,
  variables: Record<string, unknown>,
): GraphQLError | null {
  const field = invalidPath(variables) ?? invalidLiteral(document);
  if (field === null) return null;
  return asGraphQLError(
    badInput(
      field,
      'INVALID_TEXT',
      `${field} holds U+0000 or a lone surrogate, which is not text; nothing was done`,
    ),
  );
}

/**
 * Invalid text in a request, looked for in two parts: the document's literals (once per
 * document, http/sql-answers.ts keeps the answer) and the variables (each request).
 */
export const hasInvalidText = {
  literals: (document: DocumentNode): boolean => invalidLiteral(document) !== null,
  variables: (variables: Record<string, unknown>): boolean => invalidPath(variables) !== null,
};
