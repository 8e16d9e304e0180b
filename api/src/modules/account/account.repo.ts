import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { roleCovers, TOKEN_SCOPES, type Role } from '../../auth/roles';
import type { Viewer as SignedIn } from '../../auth/viewer';
import type { Database } from '../../db';
import { accounts, auditLog, credentials, grids, regions } from '../../db/schema';
import { badInput, notFound } from '../../errors';
import { toGlobalId } from '../../graphql/ids';
import type { ApiToken, AuditEntry, Viewer } from './account.type';

// Reads for accounts, API tokens and the audit log (writes go through auth/credentials.ts and
// auth/audit.ts).

const a = alias(accounts, 'a');
const c = alias(credentials, 'c');
const g = alias(grids, 'g');
const r = alias(regions, 'r');
const l = alias(auditLog, 'l');

/** Who is signed in, as the API describes them (with their jurisdiction's name); null for nobody. */
export async function describeViewer(database: Database, v: SignedIn): Promise<Viewer | null> {
  const account = v.account;
  if (!account) return null;
  const [place] = account.resourcePk
    ? await database.rows<{ name: string }>(
        sql`SELECT name FROM resources WHERE id = ${account.resourcePk}`,
      )
    : account.gridPk
      ? await database.rows<{ name: string }>(
          sql`SELECT ${g.name} FROM ${grids} ${g} WHERE ${g.id} = ${account.gridPk}`,
        )
      : account.regionPk
        ? await database.rows<{ name: string }>(
            sql`SELECT ${r.name} FROM ${regions} ${r} WHERE ${r.id} = ${account.regionPk}`,
          )
        : [{ name: '全部' }];
  return {
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    via: v.via === 'token' ? 'API_TOKEN' : 'SESSION',
    jurisdictionName: place?.name ?? '',
    jurisdictionId: account.resourcePk
      ? toGlobalId('Resource', account.resourcePk)
      : account.gridPk
        ? toGlobalId('Grid', account.gridPk)
        : account.regionPk
          ? toGlobalId('Region', account.regionPk)
          : null,
    permissions: [...v.permissions],
    actions: [...v.actions],
    tokenScopes: TOKEN_SCOPES.filter((scope) => roleCovers(account.role, scope)),
    expiresAt: v.expiresAt,
  };
}

/** The account a username names (as typed: trimmed and lower-cased here), if any. */
export async function accountByUsername(
  database: Database,
  username: string,
): Promise<{ id: number; role: Role } | undefined> {
  const [account] = await database.rows<{ id: number; role: Role }>(
    sql`SELECT ${a.id}, ${a.role} FROM ${accounts} ${a} WHERE ${a.username} = ${username.trim().toLowerCase()}`,
  );
  return account;
}

/** API tokens, newest first; `which` narrows them (one id, or all). */
const findTokens = async (database: Database, which: SQL): Promise<ApiToken[]> =>
  (
    await database.rows<ApiToken>(sql`
      SELECT ${c.id} AS pk, ${c.name}, ${a.username}, ${c.scopes}, ${c.ratePerMinute} AS "ratePerMinute",
        ${c.createdAt} AS "createdAt", ${c.expiresAt} AS "expiresAt", ${c.revokedAt} AS "revokedAt"
      FROM ${credentials} ${c} JOIN ${accounts} ${a} ON ${a.id} = ${c.accountId}
      WHERE ${c.kind} = 'API_TOKEN' AND ${which} ORDER BY ${c.id} DESC LIMIT 500`)
  ).map((t) => ({ ...t, id: toGlobalId('ApiToken', t.pk) }));

export const listApiTokens = (database: Database) => findTokens(database, sql`true`);

/** One API token, or NOT_FOUND. */
export async function apiTokenById(database: Database, pk: number): Promise<ApiToken> {
  const [token] = await findTokens(database, sql`${c.id} = ${pk}`);
  if (!token) throw notFound(`API token ${toGlobalId('ApiToken', pk)}`);
  return token;
}

export interface AuditQuery {
  /** 1–500 lines. */
  last: number;
  beforeSeq?: number | undefined;
  actor?: string | undefined;
  action?: string | undefined;
}

/** The audit log, newest first. */
export async function readAuditLog(database: Database, q: AuditQuery): Promise<AuditEntry[]> {
  if (!Number.isInteger(q.last) || q.last < 1 || q.last > 500)
    throw badInput('last', 'OUT_OF_RANGE', 'last is 1–500');
  return database.rows<AuditEntry>(sql`
    SELECT ${l.id}::int AS seq, ${l.at}, ${l.actor}, ${l.action}, ${l.target}, ${l.result}, ${l.details}::text AS details
    FROM ${auditLog} ${l}
    WHERE ${q.beforeSeq ? sql`${l.id} < ${q.beforeSeq}` : sql`true`}
      AND ${q.actor ? sql`${l.actor} = ${q.actor}` : sql`true`}
      AND ${q.action ? sql`${l.action} = ${q.action}` : sql`true`}
    ORDER BY ${l.id} DESC LIMIT ${q.last}`);
}

/** How many lines of a failed sign-in were written since `since`, per name, client or both. */
export async function countFailedSignIns(
  database: Database,
  q: {
    /** The name as typed (trimmed, lower-cased): whether it is an account. */
    name: string;
    /** The name's hash, as the failure lines keep it. */
    nameKey: string;
    client: string;
    /** The result a failure line carries. */
    result: string;
    since: Date;
  },
): Promise<{ isAccount: boolean; forName: number; forClient: number; everywhere: number }> {
  const [seen] = await database.rows<{
    isAccount: boolean;
    forName: number;
    forClient: number;
    everywhere: number;
  }>(sql`
    SELECT EXISTS (SELECT 1 FROM ${accounts} ${a} WHERE ${a.username} = ${q.name}) AS "isAccount",
      count(*) FILTER (WHERE ${l.details}->>'client' = ${q.client} AND ${l.details}->>'name' = ${q.nameKey})::int AS "forName",
      count(*) FILTER (WHERE ${l.details}->>'client' = ${q.client})::int AS "forClient",
      count(*) FILTER (WHERE ${l.details}->>'name' = ${q.nameKey})::int AS everywhere
    FROM ${auditLog} ${l}
    WHERE ${l.action} = 'signIn' AND ${l.result} = ${q.result} AND ${l.at} > ${q.since.toISOString()}`);
  return seen!;
}
