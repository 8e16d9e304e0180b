import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../db';
import { regionAndBelow } from '../graphql/filter';
import { ErrorCode, YituError, badInput } from '../errors';
import { ROLE_ACTIONS, ROLE_PERMISSIONS, TOKEN_SCOPES, tokenRights, type Role } from './roles';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from './password';
import { anonymousViewer, type Account, type Viewer } from './viewer';

// Accounts, SPA sessions and API tokens, all in the database so every API process agrees.
// A credential's secret is shown once and stored only as its sha256.

export const SESSION_COOKIE = 'yitu_session';

/** An HTTP request's session cookie: set at sign-in, cleared at sign-out. */
export interface SessionCookie {
  set(secret: string, expiresAt: Date): void;
  clear(): void;
  secret: string | null;
  /** The client's address, for throttling sign-in. */
  client: string;
}
/** How a credential's (or an invitation's) secret is stored: its sha256, never the secret. */
export const secretHash = (secret: string) => createHash('sha256').update(secret).digest('hex');
/** A new secret, shown once: 32 random bytes after a prefix naming what it opens. */
export const newSecret = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

export interface NewAccount {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  /** A region's code (community, street or district); none with gridCode = everywhere. */
  regionCode?: string;
  /** Grid workers: their grid's code. */
  gridCode?: string;
  /** The people who do the work (role RESOURCE): the resource the account works for. */
  resourcePk?: number;
  /** When it was created, on the product's clock (default: the database's). */
  at?: Date;
}

export async function createAccount(database: Database, a: NewAccount): Promise<number> {
  // a long one only costs the hash its time
  if (a.password.length < MIN_PASSWORD_LENGTH || a.password.length > MAX_PASSWORD_LENGTH)
    throw badInput(
      'password',
      'TOO_SHORT',
      `the password is ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters`,
    );
  // an unknown code must not fall through to "no jurisdiction", which means everywhere
  const [place] = await database.rows<{ regionPk: number | null; gridPk: number | null }>(sql`
    SELECT (SELECT id FROM regions WHERE code = ${a.regionCode ?? null}) AS "regionPk",
      (SELECT id FROM grids WHERE code = ${a.gridCode ?? null}) AS "gridPk"`);
  if (a.regionCode && !place?.regionPk)
    throw badInput('regionCode', 'UNKNOWN', `no region ${a.regionCode}`);
  if (a.gridCode && !place?.gridPk) throw badInput('gridCode', 'UNKNOWN', `no grid ${a.gridCode}`);
  const passwordHash = await hashPassword(a.password);
  const [row] = await database.rows<{ id: number }>(sql`
    INSERT INTO accounts (username, display_name, role, region_id, grid_id, resource_id,
      password_hash, created_at)
    VALUES (${a.username}, ${a.displayName}, ${a.role}, ${place?.regionPk ?? null},
      ${place?.gridPk ?? null}, ${a.resourcePk ?? null}, ${passwordHash},
      coalesce(${a.at?.toISOString() ?? null}::timestamptz, now()))
    RETURNING id`);
  return row!.id;
}

const unauthenticated = (reason: string, message: string) =>
  new YituError(ErrorCode.UNAUTHENTICATED, message, undefined, reason);

/**
 * An account `a` that may not sign in or be used: disabled, or the account of a resource that
 * was retired (撤销) — its person no longer works for the district; brought back, it opens again.
 */
const closed = sql`(a.disabled OR a.resource_id IS NOT NULL AND EXISTS (
  SELECT 1 FROM resources s WHERE s.id = a.resource_id AND s.retired_at IS NOT NULL))`;

/** Checks a password and opens a session; the same error whether the name or password was wrong. */
export async function openSession(
  database: Database,
  username: string,
  password: string,
  now: Date,
  hours: number,
): Promise<{ secret: string; expiresAt: Date; accountPk: number }> {
  const [account] = await database.rows<{ id: number; passwordHash: string; disabled: boolean }>(
    sql`SELECT a.id, a.password_hash AS "passwordHash", ${closed} AS disabled FROM accounts a
        WHERE a.username = ${username.trim().toLowerCase().slice(0, 100)}`,
  );
  const ok = await verifyPassword(account?.passwordHash ?? null, password.slice(0, 200));
  if (!account || !ok || account.disabled)
    throw unauthenticated('BAD_CREDENTIALS', 'wrong username or password');
  const secret = newSecret('ys');
  const expiresAt = new Date(now.getTime() + hours * 3_600_000);
  await database.rows(sql`
    INSERT INTO credentials (kind, secret_hash, account_id, expires_at)
    VALUES ('SESSION', ${secretHash(secret)}, ${account.id}, ${expiresAt.toISOString()})`);
  return { secret, expiresAt, accountPk: account.id };
}

export interface TokenRequest {
  accountPk: number;
  name: string;
  scopes: string[];
  expiresAt: Date;
  ratePerMinute: number;
}

export async function issueToken(
  database: Database,
  t: TokenRequest,
): Promise<{ secret: string; pk: number }> {
  t.scopes.forEach((s, i) => {
    if (!(TOKEN_SCOPES as readonly string[]).includes(s))
      throw badInput(
        `scopes.${i}`,
        'UNKNOWN',
        `unknown scope ${s}; one of ${TOKEN_SCOPES.join(', ')}`,
      );
  });
  const secret = newSecret('yt');
  const [row] = await database.rows<{ id: number }>(sql`
    INSERT INTO credentials (kind, secret_hash, account_id, name, scopes, expires_at, rate_per_minute)
    VALUES ('API_TOKEN', ${secretHash(secret)}, ${t.accountPk}, ${t.name},
      ${`{${t.scopes.join(',')}}`}::text[], ${t.expiresAt.toISOString()}, ${t.ratePerMinute})
    RETURNING id`);
  return { secret, pk: row!.id };
}

// every API process closes the live sockets of an ended credential (http/live.ts)
const notifyEnded = sql`SELECT pg_notify('yitu_credentials', id::text) FROM ended`;

/** Ends a session or token; true if it was live. */
export async function revokeCredential(
  database: Database,
  pk: number,
  now: Date,
): Promise<boolean> {
  const rows = await database.rows(sql`
    WITH ended AS (
      UPDATE credentials SET revoked_at = ${now.toISOString()}
      WHERE id = ${pk} AND revoked_at IS NULL RETURNING id)
    ${notifyEnded}`);
  return rows.length > 0;
}

export const revokeSessionSecret = (database: Database, secret: string, now: Date) =>
  database.rows(sql`
    WITH ended AS (
      UPDATE credentials SET revoked_at = ${now.toISOString()}
      WHERE secret_hash = ${secretHash(secret)} AND kind = 'SESSION' AND revoked_at IS NULL
      RETURNING id)
    ${notifyEnded}`);

/**
 * Ends every session and token of the accounts of these resources: a retired resource's person
 * no longer works for the district (sign-in stays refused while it is retired: `closed`).
 */
export const endResourceCredentials = (database: Database, resourcePks: number[], now: Date) =>
  database.rows(sql`
    WITH ended AS (
      UPDATE credentials c SET revoked_at = ${now.toISOString()}
      FROM accounts a
      WHERE a.id = c.account_id AND a.resource_id = ANY(${`{${resourcePks.join(',')}}`}::int[])
        AND c.revoked_at IS NULL
      RETURNING c.id)
    ${notifyEnded}`);

interface CredentialRow extends Account {
  credentialPk: number;
  kind: 'SESSION' | 'API_TOKEN';
  name: string | null;
  scopes: string[];
  ratePerMinute: number | null;
  expiresAt: Date;
  revokedAt: Date | null;
  disabled: boolean;
  communityPks: number[];
  gridPks: number[];
}

export type Authentication =
  | { ok: true; viewer: Viewer; ratePerMinute: number | null }
  | { ok: false; reason: 'INVALID' | 'EXPIRED' | 'REVOKED' };

/** The viewer behind a session or token secret, with its jurisdiction resolved in one statement. */
export async function authenticateSecret(
  database: Database,
  secret: string,
  kind: 'SESSION' | 'API_TOKEN',
  now: Date,
): Promise<Authentication> {
  const [row] = await database.rows<CredentialRow>(sql`
    SELECT c.id AS "credentialPk", c.kind, c.name, c.scopes, c.rate_per_minute AS "ratePerMinute",
      c.expires_at AS "expiresAt", c.revoked_at AS "revokedAt",
      a.id AS pk, a.username, a.display_name AS "displayName", a.role,
      a.region_id AS "regionPk", a.grid_id AS "gridPk", a.resource_id AS "resourcePk", ${closed} AS disabled,
      CASE WHEN a.region_id IS NULL THEN '{}'::int[] ELSE ARRAY(
        SELECT id FROM regions WHERE level = 'COMMUNITY' AND id IN ${regionAndBelow(sql`a.region_id`)}
      ) END AS "communityPks",
      CASE WHEN a.grid_id IS NULL THEN '{}'::int[] ELSE ARRAY(
        SELECT id FROM grids WHERE id = a.grid_id OR parent_id = a.grid_id
      ) END AS "gridPks"
    FROM credentials c JOIN accounts a ON a.id = c.account_id
    WHERE c.secret_hash = ${secretHash(secret)} AND c.kind = ${kind}`);
  if (!row || row.disabled) return { ok: false, reason: 'INVALID' };
  if (row.revokedAt) return { ok: false, reason: 'REVOKED' };
  if (new Date(row.expiresAt).getTime() <= now.getTime()) return { ok: false, reason: 'EXPIRED' };
  const rights =
    kind === 'API_TOKEN'
      ? tokenRights(row.role, row.scopes)
      : {
          permissions: [...ROLE_PERMISSIONS[row.role]],
          actions: [...ROLE_ACTIONS[row.role]],
          introspection: true,
        };
  const viewer: Viewer = {
    via: kind === 'API_TOKEN' ? 'token' : 'session',
    account: {
      pk: row.pk,
      username: row.username,
      displayName: row.displayName,
      role: row.role,
      regionPk: row.regionPk,
      gridPk: row.gridPk,
      resourcePk: row.resourcePk ?? null,
    },
    credentialPk: row.credentialPk,
    tokenName: row.name,
    expiresAt: new Date(row.expiresAt),
    permissions: new Set(rights.permissions),
    actions: new Set(rights.actions),
    introspection: rights.introspection,
    jurisdiction: {
      // no region and no grid is everywhere, but a resource's account holds no places at all
      all: row.regionPk === null && row.gridPk === null && row.resourcePk == null,
      communityPks: row.communityPks.map(Number),
      gridPks: row.gridPks.map(Number),
      departmentOnly: row.role === 'DEPARTMENT',
    },
    sessionExpired: false,
  };
  return { ok: true, viewer, ratePerMinute: row.ratePerMinute };
}

/** Counts a token's request in this minute; the count so far (shared by every API process). */
export async function countTokenRequest(
  database: Database,
  credentialPk: number,
  now: Date,
): Promise<{ requests: number; retryAfterSeconds: number }> {
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const [row] = await database.rows<{ requests: number }>(sql`
    INSERT INTO token_usage (credential_id, minute, requests)
    VALUES (${credentialPk}, ${minute.toISOString()}, 1)
    ON CONFLICT (credential_id, minute) DO UPDATE SET requests = token_usage.requests + 1
    RETURNING requests`);
  return {
    requests: row!.requests,
    retryAfterSeconds: Math.max(1, Math.ceil((minute.getTime() + 60_000 - now.getTime()) / 1000)),
  };
}

export { anonymousViewer };
