import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { apiTokenById, describeViewer, listApiTokens, readAuditLog } from './account.repo';
import { issueApiToken, revokeApiToken, signIn, signOut } from './account.service';
import {
  ApiToken,
  AuditEntry,
  IssueApiTokenInput,
  IssuedApiToken,
  SignInPayload,
  Viewer,
} from './account.type';

@Resolver()
export class AccountResolver {
  @Query(() => Viewer, {
    nullable: true,
    description: 'Who is signed in (session cookie or API token); null for nobody.',
  })
  viewer(@Ctx() ctx: Context) {
    return describeViewer(ctx.database, ctx.auth.viewer);
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
    const { viewer, expiresAt } = await signIn(ctx, username, password);
    return { viewer: await describeViewer(ctx.database, viewer), expiresAt };
  }

  @Mutation(() => Boolean, { description: 'End this session (clears the cookie).' })
  signOut(@Ctx() ctx: Context) {
    return signOut(ctx);
  }

  @Query(() => [ApiToken], { description: 'Third-party API tokens, newest first.' })
  apiTokens(@Ctx() ctx: Context) {
    return listApiTokens(ctx.database);
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
    const { secret, pk } = await issueApiToken(ctx, input);
    return { token: secret, apiToken: await apiTokenById(ctx.database, pk) };
  }

  @Mutation(() => ApiToken, { description: 'Revoke a token at once.' })
  async revokeApiToken(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return apiTokenById(ctx.database, await revokeApiToken(ctx, id));
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
    return readAuditLog(ctx.database, { last, beforeSeq, actor, action });
  }
}
