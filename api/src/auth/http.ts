import type { IncomingHttpHeaders } from 'node:http';
import { Kind, visit, type DocumentNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Database } from '../db';
import { asGraphQLError, ErrorCode, YituError } from '../errors';
import type { Context } from '../graphql/context';
import { costRefusal } from '../graphql/limits';
import { invalidTextRefusal } from '../graphql/text';
import { writeAudit, redact, resultOf, rootFields, targetOf } from './audit';
import {
  anonymousViewer,
  authenticateSecret,
  countTokenRequest,
  SESSION_COOKIE,
} from './credentials';
import { forbidden } from './guard';
import type { Viewer } from './viewer';

// From a request to a Viewer: `Authorization: Bearer <token>` for third parties, the http-only
// session cookie for the map app, nobody otherwise. Token problems fail the whole request (401 /
// 429); an expired session only makes an HTTP caller anonymous, so public calls still work and
// protected ones answer SESSION_EXPIRED. A socket is refused without a valid token or session.
// Every refusal is a YituError with its audit line.

const unauthenticated = (reason: string, message: string) =>
  new YituError(ErrorCode.UNAUTHENTICATED, message, undefined, reason);

/** A token over its requests a minute, over HTTP or the socket. */
export const tokenRateRefusal = (ratePerMinute: number, retryAfterSeconds: number) =>
  new YituError(
    ErrorCode.RATE_LIMITED,
    `this token may make ${ratePerMinute} requests a minute; try again in ${retryAfterSeconds} s`,
    undefined,
    'TOKEN_RATE',
    { limit: ratePerMinute, retryAfterSeconds },
  );

/** Writes a refused credential's line (what was asked, no client address: personal data). */
async function refused(
  database: Database,
  viewer: Viewer,
  now: Date,
  action: 'token request' | 'session request',
  request: string,
  error: YituError,
): Promise<YituError> {
  await writeAudit(database, viewer, now, {
    action,
    result: resultOf(error),
    details: { request },
  });
  return error;
}

interface Credential {
  viewer: Viewer;
  ratePerMinute: number | null;
}

/** The API token an Authorization value names; malformed, unknown, revoked or expired: refused. */
async function bearerCredential(
  database: Database,
  authorization: string,
  now: Date,
  request: string,
): Promise<Credential> {
  const refuse = (reason: string, message: string) =>
    refused(
      database,
      anonymousViewer(),
      now,
      'token request',
      request,
      unauthenticated(reason, message),
    );
  const match = /^Bearer\s+([\w-]{10,200})$/i.exec(authorization.trim());
  if (!match) throw await refuse('TOKEN_INVALID', 'send Authorization: Bearer <token>');
  const found = await authenticateSecret(database, match[1]!, 'API_TOKEN', now);
  if (!found.ok)
    throw await refuse(`TOKEN_${found.reason}`, `this API token is ${found.reason.toLowerCase()}`);
  return found;
}

/** A cookie's value; null when absent, or not decodable (a malformed %-escape is no credential). */
export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * `request` names what was asked ("POST /graphql") for the audit line of a refused token.
 * A refused token throws its YituError.
 */
export async function authenticate(
  database: Database,
  headers: IncomingHttpHeaders,
  now: Date,
  request: string,
): Promise<{ viewer: Viewer; sessionSecret: string | null }> {
  const authorization = headers.authorization;
  if (authorization) {
    const found = await bearerCredential(database, authorization, now, request);
    if (found.ratePerMinute !== null) {
      const used = await countTokenRequest(database, found.viewer.credentialPk!, now);
      if (used.requests > found.ratePerMinute)
        throw await refused(
          database,
          found.viewer,
          now,
          'token request',
          request,
          tokenRateRefusal(found.ratePerMinute, used.retryAfterSeconds),
        );
    }
    return { viewer: found.viewer, sessionSecret: null };
  }
  const secret = readCookie(headers.cookie, SESSION_COOKIE);
  if (!secret || secret.length > 200) return { viewer: anonymousViewer(), sessionSecret: null };
  const found = await authenticateSecret(database, secret, 'SESSION', now);
  return found.ok
    ? { viewer: found.viewer, sessionSecret: secret }
    : { viewer: anonymousViewer(true), sessionSecret: secret };
}

/**
 * A socket's credential: the token in its connectionParams, else its session cookie. Without
 * either, or with either refused, it throws the refusal, audited like a refused token request.
 */
export async function authenticateSocket(
  database: Database,
  authorization: unknown,
  cookie: string | undefined,
  now: Date,
): Promise<Credential> {
  const request = 'WebSocket /graphql';
  if (typeof authorization === 'string' && authorization)
    return bearerCredential(database, authorization, now, request);
  const secret = readCookie(cookie, SESSION_COOKIE);
  const found = !secret
    ? null
    : secret.length > 200
      ? ({ ok: false, reason: 'INVALID' } as const)
      : await authenticateSecret(database, secret, 'SESSION', now);
  if (found?.ok) return found;
  throw await refused(
    database,
    anonymousViewer(),
    now,
    'session request',
    request,
    found
      ? unauthenticated(
          `SESSION_${found.reason}`,
          `this session is ${found.reason.toLowerCase()}; sign in again`,
        )
      : unauthenticated(
          'SIGN_IN_REQUIRED',
          'sign in, or send a token as connectionParams.authorization',
        ),
  );
}

const usesIntrospection = (document: DocumentNode) => {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
};

/**
 * Introspection and field suggestions only for the map app's sessions and tokens granted the
 * `introspection` scope; an audit line for every mutation and every API-token request.
 */
export const securityPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, document, operation, request, schema }) {
        const invalidText = invalidTextRefusal(document, request.variables ?? {});
        if (invalidText) throw invalidText;
        const tooCostly =
          operation && costRefusal(schema, document, operation, request.variables ?? {});
        if (tooCostly) throw tooCostly;
        if (!contextValue.auth.viewer.introspection && usesIntrospection(document))
          throw asGraphQLError(
            forbidden(
              'INTROSPECTION_DISABLED',
              contextValue.auth.viewer.via === 'token'
                ? 'introspection needs the introspection scope; the schema is published as schema.graphql'
                : 'sign in to introspect the schema',
            ),
          );
      },
      async willSendResponse({ contextValue, response, operation, document, request, errors }) {
        const body = response.body;
        if (
          !contextValue.auth.viewer.introspection &&
          body.kind === 'single' &&
          body.singleResult.errors
        ) {
          body.singleResult.errors = body.singleResult.errors.map((e) => ({
            ...e,
            message: e.message.replace(/ ?Did you mean .*\?$/, ''),
          }));
        }
        // each mutation field that ran wrote its own line (auth/audit.ts); this one is for a
        // mutation refused before any ran, a request refused for its text, and every request
        // of an API token
        const guard = contextValue.auth;
        const kind = operation?.operation;
        const results = [...new Set((errors ?? []).map(resultOf))];
        if (
          guard.changes > 0 ||
          (kind !== 'mutation' &&
            guard.viewer.via !== 'token' &&
            !results.includes('BAD_USER_INPUT INVALID_TEXT'))
        )
          return;
        const fields = operation && document ? rootFields(document, operation).join(',') : null;
        const variables = request.variables ?? {};
        await guard.audit({
          action: `${kind ?? 'request'} ${fields ?? '(not parsed)'}`,
          target: targetOf(variables),
          result: results.length ? results.join('; ') : 'OK',
          details: { variables: redact(variables) as Record<string, unknown> },
        });
      },
    };
  },
};
