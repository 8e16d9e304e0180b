import { sql } from 'drizzle-orm';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Database } from '../db';
import type { Context } from '../graphql/context';
import { yituErrorOf } from '../errors';
import { fromGlobalId } from '../graphql/ids';
import { fragmentsOf } from '../graphql/limits';
import { storableText } from '../graphql/text';
import { actorOf, type Viewer } from './viewer';

// The audit log's lines: what ran (root fields after fragments, never the caller's operation
// name), the ids it touched and its result. A mutation's line is written in the transaction of
// its change, so there is no change without its line; a refusal's line after the rollback.

export interface AuditEntry {
  action: string;
  target?: string | null;
  result: string;
  details?: Record<string, unknown>;
}

/** The most one line keeps of details (the log is append-only: a request must not fill it). */
export const MAX_DETAILS_CHARS = 3_000;
const MAX_TARGET_IDS = 20;

/** Writes one line as `viewer`: the guard, sign-in, refused tokens and uploads all write here. */
export async function writeAudit(
  database: Database,
  viewer: Viewer,
  at: Date,
  entry: AuditEntry,
): Promise<void> {
  // jsonb refuses U+0000 and lone surrogates even as escapes: a refused request's text is kept
  let details = entry.details
    ? JSON.stringify(entry.details, (_key, value: unknown) =>
        typeof value === 'string' ? storableText(value) : value,
      )
    : null;
  if (details && details.length > MAX_DETAILS_CHARS)
    details = JSON.stringify({ truncated: `${details.length} characters` });
  const text = (value: string | null | undefined) =>
    value == null ? null : storableText(value).slice(0, 500);
  await database.rows(sql`
    INSERT INTO audit_log (at, account_id, actor, action, target, result, details)
    VALUES (${at.toISOString()}, ${viewer.account?.pk ?? null}, ${text(actorOf(viewer))},
      ${text(entry.action)}, ${text(entry.target)}, ${text(entry.result)},
      ${details}::jsonb)`);
}

// secrets and personal data never enter the audit log; free text may hold either (a resident
// writes their phone into the description), so only its length is kept
const SECRET_KEYS = /password|token|idempotencyKey|reporterName|contactName|phone|^unit$/i;
const FREE_TEXT = /^(description|reason|comment|text|note)$/;
// where `name` is a person's, not a place's (the policy marks such mutations: aboutAPerson)
const PERSON_NAME = /^(name|displayName)$/;
const MAX_KEYS = 30;

/**
 * Arguments or variables as the audit log keeps them: no secrets or personal data, cut short.
 * `person`: the arguments describe a person, so a `name` is theirs and kept out too.
 */
export function redact(value: unknown, depth = 0, person = false): unknown {
  if (depth > 5) return '…';
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1, person));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    const kept = entries
      .slice(0, MAX_KEYS)
      .map(([k, v]) => [
        storableText(k),
        SECRET_KEYS.test(k) || (person && PERSON_NAME.test(k))
          ? '[redacted]'
          : FREE_TEXT.test(k) && typeof v === 'string'
            ? `[${v.length} characters]`
            : redact(v, depth + 1, person),
      ]);
    if (entries.length > MAX_KEYS) kept.push(['…', `${entries.length - MAX_KEYS} more`]);
    return Object.fromEntries(kept);
  }
  return value;
}

/** The Yitu ids in arguments or an answer (`id`, `…Id`, `…Ids`), as the line's target. */
export function targetOf(...values: unknown[]): string | null {
  const ids = new Set<string>();
  const walk = (value: unknown, key: string, depth: number) => {
    if (depth > 4 || ids.size >= MAX_TARGET_IDS) return;
    if (typeof value === 'string') {
      if (/(^id|Ids?)$/.test(key) && isYituId(value)) ids.add(value);
    } else if (Array.isArray(value)) {
      for (const item of value.slice(0, MAX_TARGET_IDS)) walk(item, key, depth + 1);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k, depth + 1);
    }
  };
  for (const value of values) walk(value, '', 0);
  return ids.size > 0 ? [...ids].join(' ') : null;
}

function isYituId(value: string): boolean {
  try {
    fromGlobalId(value);
    return true;
  } catch {
    return false;
  }
}

/** An error as a line's result: its code and reason. */
export function resultOf(error: unknown): string {
  const original = yituErrorOf(error);
  const extensions = error instanceof GraphQLError ? error.extensions : {};
  const code = original?.code ?? extensions.code ?? 'INTERNAL_SERVER_ERROR';
  const reason = original?.reason ?? extensions.reason;
  return `${String(code)}${reason ? ` ${String(reason)}` : ''}`;
}

/** The root fields an operation runs, through its fragments (names, in order, once each). */
export function rootFields(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const fragments = fragmentsOf(document);
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments[selection.name.value];
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return [...names];
}

/** Mutations that write their own lines (sign-in failures are counted from them). */
const SELF_AUDITED = new Set(['signIn', 'signOut', 'issueApiToken', 'revokeApiToken']);

/**
 * Runs one root mutation field in a transaction that also holds its audit line: the change and
 * its line commit together or not at all. Should it fail, the lines written meanwhile (a
 * refusal's, a failed sign-in's) are written again after the rollback, with the failure's own.
 */
export async function auditedChange<T>(
  context: Context,
  field: string,
  args: Record<string, unknown>,
  aboutAPerson: boolean | undefined,
  run: () => Promise<T>,
): Promise<T> {
  const guard = context.auth;
  const outer = context.database;
  const selfAudited = SELF_AUDITED.has(field);
  const line = (result: string, answer?: unknown): AuditEntry => ({
    action: `mutation ${field}`,
    target: targetOf(args, answer),
    result,
    ...(selfAudited
      ? {}
      : {
          details: {
            arguments: redact(args, 0, aboutAPerson) as Record<string, unknown>,
          },
        }),
  });
  guard.changes += 1;
  let written: AuditEntry[] = [];
  try {
    return await outer.transaction(async (tx) => {
      context.database = tx;
      const release = guard.writeThrough(tx);
      try {
        const answer = await run();
        if (!selfAudited) await writeAudit(tx, guard.viewer, context.now(), line('OK', answer));
        return answer;
      } finally {
        context.database = outer;
        written = release();
      }
    });
  } catch (error) {
    for (const entry of written) await guard.audit(entry);
    if (!selfAudited || written.length === 0) await guard.audit(line(resultOf(error)));
    throw error;
  }
}
