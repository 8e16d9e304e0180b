import { createHash } from 'node:crypto';
import { writeAudit } from '../../auth/audit';
import {
  authenticateSecret,
  issueToken,
  openSession,
  revokeCredential,
  revokeSessionSecret,
  type SessionCookie,
} from '../../auth/credentials';
import { forbidden, type Guard } from '../../auth/guard';
import { verifyPassword } from '../../auth/password';
import { roleCovers, TOKEN_SCOPES, type TokenScope } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { Database } from '../../db';
import { badInput, ErrorCode, YituError } from '../../errors';
import { expectId, toGlobalId } from '../../graphql/ids';
import { accountByUsername, apiTokenById, countFailedSignIns } from './account.repo';

// Sign-in (throttled), sign-out and API tokens: the account rules over the credential store
// (auth/credentials.ts), each refusal and change with its audit line. No resolvers or schema
// types here.

/** Session length: one working day; the SPA asks to sign in again after it. */
export const SESSION_HOURS = 12;
/** Failed sign-ins allowed per name from one client in the window before it is refused there. */
const SIGN_IN_ATTEMPTS = 10;
/** Failed sign-ins allowed from one client, whatever the names. */
const CLIENT_ATTEMPTS = 30;
const SIGN_IN_WINDOW_MS = 15 * 60_000;
const BAD_CREDENTIALS = 'UNAUTHENTICATED BAD_CREDENTIALS';

/** Who asks, as the account rules need it: the request's database, guard, clock and cookie. */
export interface Caller {
  database: Database;
  auth: Guard;
  now: () => Date;
  session?: SessionCookie | undefined;
}

/**
 * Checks a name and password and sets the session cookie. Failures are counted per (name,
 * client) and per client: a stranger elsewhere cannot lock a real user out, and names that are
 * no account count the same.
 */
export async function signIn(
  caller: Caller,
  username: string,
  password: string,
): Promise<{ viewer: Viewer; expiresAt: Date }> {
  const session = caller.session;
  if (!session) throw badInput('username', 'NOT_HTTP', 'sign in over HTTP');
  const name = username.trim().toLowerCase().slice(0, 100);
  const client = session.client;
  // the name is kept as a hash: a password typed into the name box must not be logged
  const nameKey = createHash('sha256').update(name).digest('hex').slice(0, 32);
  const { isAccount, forName, forClient, everywhere } = await countFailedSignIns(caller.database, {
    name,
    nameKey,
    client,
    result: BAD_CREDENTIALS,
    since: new Date(caller.now().getTime() - SIGN_IN_WINDOW_MS),
  });
  const failure = (result: string) =>
    caller.auth.audit({
      action: 'signIn',
      target: isAccount ? name : null,
      result,
      details: { client, name: nameKey },
    });
  // guesses at one name from many clients are slowed, not locked: its user still gets in
  const slowdown = Math.min(Math.max(0, everywhere - SIGN_IN_ATTEMPTS) * 200, 3_000);
  if (slowdown) await new Promise((resolve) => setTimeout(resolve, slowdown));
  if (forName >= SIGN_IN_ATTEMPTS || forClient >= CLIENT_ATTEMPTS) {
    // as slow as a checked password, so the answer tells nothing either way
    await verifyPassword(null, password.slice(0, 200));
    // refusals are not failures: they do not keep the lock going
    await failure('RATE_LIMITED');
    throw new YituError(
      ErrorCode.RATE_LIMITED,
      `too many failed sign-ins; try again in ${SIGN_IN_WINDOW_MS / 60_000} minutes`,
      'username',
      'SIGN_IN_ATTEMPTS',
      { retryAfterSeconds: SIGN_IN_WINDOW_MS / 1000 },
    );
  }
  let opened;
  try {
    opened = await openSession(caller.database, name, password, caller.now(), SESSION_HOURS);
  } catch (error) {
    await failure(BAD_CREDENTIALS);
    throw error;
  }
  session.set(opened.secret, opened.expiresAt);
  const signedIn = await authenticateSecret(
    caller.database,
    opened.secret,
    'SESSION',
    caller.now(),
  );
  if (!signedIn.ok) throw new Error('a new session did not authenticate');
  // the line names the account now signed in; it is part of the change (not re-written should
  // the change roll back), unlike a failure's
  await writeAudit(caller.database, signedIn.viewer, caller.now(), {
    action: 'signIn',
    target: name,
    result: 'OK',
  });
  return { viewer: signedIn.viewer, expiresAt: opened.expiresAt };
}

/** Ends this request's session and clears its cookie. */
export async function signOut(caller: Caller): Promise<true> {
  const secret = caller.session?.secret;
  if (secret) await revokeSessionSecret(caller.database, secret, caller.now());
  caller.session?.clear();
  if (caller.auth.viewer.account) await caller.auth.audit({ action: 'signOut', result: 'OK' });
  return true;
}

export interface TokenInput {
  /** Who holds it. */
  name: string;
  /** The account it acts as. */
  username: string;
  scopes: string[];
  expiresInDays: number;
  ratePerMinute: number;
}

/**
 * Issues an API token acting as an account: administrators for any account, anyone else for
 * their own, from a session only; a scope never exceeds what the issuer's role or the account's
 * role may do. Refusals are audited here (the mutation logs itself: auth/audit.ts).
 */
export async function issueApiToken(
  caller: Caller,
  input: TokenInput,
): Promise<{ secret: string; pk: number }> {
  try {
    return await issue(caller, input);
  } catch (error) {
    if (error instanceof YituError)
      await caller.auth.audit({
        action: 'issueApiToken',
        target: null,
        result: `${error.code}${error.reason ? ` ${error.reason}` : ''}`,
        details: { username: input.username, scopes: input.scopes },
      });
    throw error;
  }
}

async function issue(caller: Caller, input: TokenInput): Promise<{ secret: string; pk: number }> {
  const issuer = caller.auth.viewer;
  // a token acts as its account's person; one token never begets another
  if (issuer.via !== 'session' || !issuer.account)
    throw forbidden('SESSION_ONLY', 'API tokens are issued from a signed-in session');
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100)
    throw badInput('input.name', 'LENGTH', 'name is 1–100 characters');
  if (
    !Number.isInteger(input.expiresInDays) ||
    input.expiresInDays < 1 ||
    input.expiresInDays > 365
  )
    throw badInput('input.expiresInDays', 'OUT_OF_RANGE', 'expiresInDays is 1–365');
  if (input.ratePerMinute < 1 || input.ratePerMinute > 10_000)
    throw badInput('input.ratePerMinute', 'OUT_OF_RANGE', 'ratePerMinute is 1–10000');
  if (input.scopes.length === 0) throw badInput('input.scopes', 'EMPTY', 'give at least one scope');
  const scopes = input.scopes.map((s, i) => {
    if (typeof s !== 'string') throw badInput(`input.scopes.${i}`, 'INVALID', 'a scope');
    const scope = s.trim();
    if (!(TOKEN_SCOPES as readonly string[]).includes(scope))
      throw badInput(
        `input.scopes.${i}`,
        'UNKNOWN',
        `unknown scope ${scope}; one of ${TOKEN_SCOPES.join(', ')}`,
      );
    return scope as TokenScope;
  });
  const account = await accountByUsername(caller.database, input.username);
  if (!account) throw badInput('input.username', 'UNKNOWN', `no account ${input.username}`);
  // administrators issue for any account; anyone else for their own only
  if (account.id !== issuer.account.pk && !issuer.permissions.has('tokens:manage'))
    throw forbidden('NOT_YOUR_ACCOUNT', 'you may issue API tokens for your own account only');
  // a token never exceeds what its issuer may do, nor what its account may do
  scopes.forEach((scope, i) => {
    if (!roleCovers(issuer.account!.role, scope))
      throw forbidden('SCOPE_EXCEEDS_ISSUER', `${scope} is more than your role may do itself`);
    if (!roleCovers(account.role, scope))
      throw badInput(
        `input.scopes.${i}`,
        'EXCEEDS_ACCOUNT',
        `${scope} is more than ${input.username}'s role may do`,
      );
  });
  const expiresAt = new Date(caller.now().getTime() + input.expiresInDays * 86_400_000);
  const issued = await issueToken(caller.database, {
    accountPk: account.id,
    name,
    scopes,
    expiresAt,
    ratePerMinute: input.ratePerMinute,
  });
  await caller.auth.audit({
    action: 'issueApiToken',
    target: toGlobalId('ApiToken', issued.pk),
    result: 'OK',
    details: { name, username: input.username, scopes: input.scopes, expiresAt },
  });
  return issued;
}

/** Revokes an API token at once (by its id as the client sent it); its pk. */
export async function revokeApiToken(caller: Caller, id: string): Promise<number> {
  const pk = expectId(id, 'ApiToken', 'id');
  await apiTokenById(caller.database, pk);
  await revokeCredential(caller.database, pk, caller.now());
  await caller.auth.audit({ action: 'revokeApiToken', target: id, result: 'OK' });
  return pk;
}
