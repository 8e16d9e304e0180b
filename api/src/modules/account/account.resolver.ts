import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import {
  authenticateSecret,
  issueToken,
  openSession,
  revokeCredential,
  revokeSessionSecret,
} from '../../auth/credentials';
import type { Viewer as AuthViewer } from '../../auth/viewer';
import type { Context } from '../../graphql/context';
import { forbidden } from '../../auth/guard';
import { verifyPassword } from '../../auth/password';
import { roleCovers, TOKEN_SCOPES, type Role, type TokenScope } from '../../auth/roles';
import { badInput, ErrorCode, notFound, YituError } from '../../errors';
import { expectId, toGlobalId } from '../../graphql/ids';
import {
  ApiToken,
  AuditEntry,
  IssueApiTokenInput,
  IssuedApiToken,
  SignInPayload,
  Viewer,
} from './account.type';

/** Session length: one working day; the SPA asks to sign in again after it. */
export const SESSION_HOURS = 12;
/** Failed sign-ins allowed per name from one client in the window before it is refused there. */
const SIGN_IN_ATTEMPTS = 10;
/** Failed sign-ins allowed from one client, whatever the names. */
const CLIENT_ATTEMPTS = 30;
const SIGN_IN_WINDOW_MS = 15 * 60_000;
const BAD_CREDENTIALS = 'UNAUTHENTICATED BAD_CREDENTIALS';

async function describeViewer(ctx: Context, v: AuthViewer): Promise<Viewer | null> {
  const a = v.account;
  if (!a) return null;
  const [place] = a.gridPk
    ? await ctx.database.rows<{ name: string }>(sql`SELECT name FROM grids WHERE id = ${a.gridPk}`)
    : a.regionPk
      ? await ctx.database.rows<{ name: string }>(
          sql`SELECT name FROM regions WHERE id = ${a.regionPk}`,
        )
      : [{ name: '全部' }];
  return {
    username: a.username,
    displayName: a.displayName,
    role: a.role,
    via: v.via === 'token' ? 'API_TOKEN' : 'SESSION',
    jurisdictionName: place?.name ?? '',
    jurisdictionId: a.gridPk
      ? toGlobalId('Grid', a.gridPk)
      : a.regionPk
        ? toGlobalId('Region', a.regionPk)
        : null,
    permissions: [...v.permissions],
    actions: [...v.actions],
    expiresAt: v.expiresAt,
  };
}

/** API tokens, newest first; `which` narrows them (one id, or all). */
const findTokens = async (ctx: Context, which: SQL = sql`true`): Promise<ApiToken[]> =>
  (
    await ctx.database.rows<ApiToken>(sql`
      SELECT c.id AS pk, c.name, a.username, c.scopes, c.rate_per_minute AS "ratePerMinute",
        c.created_at AS "createdAt", c.expires_at AS "expiresAt", c.revoked_at AS "revokedAt"
      FROM credentials c JOIN accounts a ON a.id = c.account_id
      WHERE c.kind = 'API_TOKEN' AND ${which} ORDER BY c.id DESC LIMIT 500`)
  ).map((t) => ({ ...t, id: toGlobalId('ApiToken', t.pk) }));

@Resolver()
export class AccountResolver {
  @Query(() => Viewer, {
    nullable: true,
    description: 'Who is signed in (session cookie or API token); null for nobody.',
  })
  viewer(@Ctx() ctx: Context) {
    return describeViewer(ctx, ctx.auth.viewer);
  }

  @Mutation(() => SignInPayload, {
    description:
      'Sign in with username and password: sets an http-only session cookie for the map app. ' +
      'UNAUTHENTICATED (BAD_CREDENTIALS) for a wrong name or password, without saying which.',
  })
  async signIn(
    @Ctx() ctx: Context,
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
  ) {
    if (!ctx.session) throw badInput('username', 'NOT_HTTP', 'sign in over HTTP');
    const name = username.trim().toLowerCase().slice(0, 100);
    const client = ctx.session.client;
    // failures are counted per (name, client) and per client: a stranger elsewhere cannot lock a
    // real user out, and names that are no account count the same (kept as a hash: a password
    // typed into the name box must not be logged)
    const nameKey = createHash('sha256').update(name).digest('hex').slice(0, 32);
    const since = new Date(ctx.now().getTime() - SIGN_IN_WINDOW_MS).toISOString();
    const [seen] = await ctx.database.rows<{
      isAccount: boolean;
      forName: number;
      forClient: number;
      everywhere: number;
    }>(sql`
      SELECT EXISTS (SELECT 1 FROM accounts WHERE username = ${name}) AS "isAccount",
        count(*) FILTER (WHERE details->>'client' = ${client} AND details->>'name' = ${nameKey})::int AS "forName",
        count(*) FILTER (WHERE details->>'client' = ${client})::int AS "forClient",
        count(*) FILTER (WHERE details->>'name' = ${nameKey})::int AS everywhere
      FROM audit_log
      WHERE action = 'signIn' AND result = ${BAD_CREDENTIALS} AND at > ${since}`);
    const { isAccount, forName, forClient, everywhere } = seen!;
    const failure = (result: string) =>
      ctx.auth.audit({
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
      opened = await openSession(ctx.database, name, password, ctx.now(), SESSION_HOURS);
    } catch (error) {
      await failure(BAD_CREDENTIALS);
      throw error;
    }
    ctx.session.set(opened.secret, opened.expiresAt);
    const signedIn = await authenticateSecret(ctx.database, opened.secret, 'SESSION', ctx.now());
    if (!signedIn.ok) throw new Error('a new session did not authenticate');
    await ctx.database.rows(sql`
      INSERT INTO audit_log (at, account_id, actor, action, target, result)
      VALUES (${ctx.now().toISOString()}, ${opened.accountPk}, ${`account:${name}`}, 'signIn', ${name}, 'OK')`);
    return { viewer: await describeViewer(ctx, signedIn.viewer), expiresAt: opened.expiresAt };
  }

  @Mutation(() => Boolean, { description: 'End this session (clears the cookie).' })
  async signOut(@Ctx() ctx: Context) {
    const secret = ctx.session?.secret;
    if (secret) await revokeSessionSecret(ctx.database, secret, ctx.now());
    ctx.session?.clear();
    if (ctx.auth.viewer.account) await ctx.auth.audit({ action: 'signOut', result: 'OK' });
    return true;
  }

  @Query(() => [ApiToken], { description: 'Third-party API tokens, newest first.' })
  apiTokens(@Ctx() ctx: Context) {
    return findTokens(ctx);
  }

  @Mutation(() => IssuedApiToken, {
    description:
      'Issue a third-party API token acting as an account, limited to scopes, an expiry and a ' +
      'request rate. Administrators issue for any account, anyone else for their own; a scope ' +
      'never exceeds what the issuer’s role or the account’s role may do (an administrator ' +
      'issues no write:tickets). Only from a session. The token never reads personal data.',
  })
  async issueApiToken(
    @Ctx() ctx: Context,
    @Arg('input', () => IssueApiTokenInput) input: IssueApiTokenInput,
  ) {
    try {
      return await this.issue(ctx, input);
    } catch (error) {
      // the mutation logs itself (auth/http.ts), refusals included
      if (error instanceof YituError)
        await ctx.auth.audit({
          action: 'issueApiToken',
          target: null,
          result: `${error.code}${error.reason ? ` ${error.reason}` : ''}`,
          details: { username: input.username, scopes: input.scopes },
        });
      throw error;
    }
  }

  private async issue(ctx: Context, input: IssueApiTokenInput) {
    const issuer = ctx.auth.viewer;
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
    if (input.scopes.length === 0)
      throw badInput('input.scopes', 'EMPTY', 'give at least one scope');
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
    const [account] = await ctx.database.rows<{ id: number; role: Role }>(
      sql`SELECT id, role FROM accounts WHERE username = ${input.username.trim().toLowerCase()}`,
    );
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
    const expiresAt = new Date(ctx.now().getTime() + input.expiresInDays * 86_400_000);
    const issued = await issueToken(ctx.database, {
      accountPk: account.id,
      name,
      scopes,
      expiresAt,
      ratePerMinute: input.ratePerMinute,
    });
    const apiToken = await this.token(ctx, issued.pk);
    await ctx.auth.audit({
      action: 'issueApiToken',
      target: apiToken.id,
      result: 'OK',
      details: { name, username: input.username, scopes: input.scopes, expiresAt },
    });
    return { token: issued.secret, apiToken };
  }

  @Mutation(() => ApiToken, { description: 'Revoke a token at once.' })
  async revokeApiToken(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    const pk = expectId(id, 'ApiToken', 'id');
    await this.token(ctx, pk);
    await revokeCredential(ctx.database, pk, ctx.now());
    await ctx.auth.audit({ action: 'revokeApiToken', target: id, result: 'OK' });
    return this.token(ctx, pk);
  }

  @Query(() => [AuditEntry], {
    description: 'The audit log (审计日志), newest first; page back with beforeSeq.',
  })
  auditLog(
    @Ctx() ctx: Context,
    @Arg('last', () => Int, { defaultValue: 50, description: '1–500' }) last: number,
    @Arg('beforeSeq', () => Int, { nullable: true }) beforeSeq?: number,
    @Arg('actor', () => String, { nullable: true }) actor?: string,
    @Arg('action', () => String, { nullable: true }) action?: string,
  ) {
    if (!Number.isInteger(last) || last < 1 || last > 500)
      throw badInput('last', 'OUT_OF_RANGE', 'last is 1–500');
    return ctx.database.rows<AuditEntry>(sql`
      SELECT id::int AS seq, at, actor, action, target, result, details::text AS details
      FROM audit_log
      WHERE ${beforeSeq ? sql`id < ${beforeSeq}` : sql`true`}
        AND ${actor ? sql`actor = ${actor}` : sql`true`}
        AND ${action ? sql`action = ${action}` : sql`true`}
      ORDER BY id DESC LIMIT ${last}`);
  }

  private async token(ctx: Context, pk: number): Promise<ApiToken> {
    const [token] = await findTokens(ctx, sql`c.id = ${pk}`);
    if (!token) throw notFound(`API token ${toGlobalId('ApiToken', pk)}`);
    return token;
  }
}
