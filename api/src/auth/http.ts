import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Database } from '../db';
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
import type { Viewer } from './viewer';

// From an HTTP request to a Viewer: `Authorization: Bearer <token>` for third parties, the
// http-only session cookie for the map app, nobody otherwise. Token problems fail the whole
// request (401 / 429); an expired session only makes the caller anonymous, so public calls still
// work and protected ones answer SESSION_EXPIRED.

const httpError = (
  status: number,
  code: string,
  reason: string,
  message: string,
  more: Record<string, unknown> = {},
) =>
  new GraphQLError(message, {
    extensions: {
      code,
      reason,
      ...more,
      http: {
        status,
        headers: new Map(
          more.retryAfterSeconds ? [['retry-after', String(more.retryAfterSeconds)]] : [],
        ),
      },
    },
  });

export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name)
      return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** `request` names what was asked ("POST /graphql") for the audit line of a refused token. */
export async function authenticate(
  database: Database,
  headers: IncomingHttpHeaders,
  now: Date,
  request: string,
): Promise<{ viewer: Viewer; sessionSecret: string | null }> {
  const authorization = headers.authorization;
  if (authorization) {
    const refused = async (viewer: Viewer, error: GraphQLError) => {
      const { code, reason } = error.extensions;
      await writeAudit(database, viewer, now, {
        action: 'token request',
        result: `${String(code)} ${String(reason)}`,
        details: { request },
      });
      return error;
    };
    const match = /^Bearer\s+([\w-]{10,200})$/i.exec(authorization.trim());
    if (!match)
      throw await refused(
        anonymousViewer(),
        httpError(401, 'UNAUTHENTICATED', 'TOKEN_INVALID', 'send Authorization: Bearer <token>'),
      );
    const found = await authenticateSecret(database, match[1]!, 'API_TOKEN', now);
    if (!found.ok)
      throw await refused(
        anonymousViewer(),
        httpError(
          401,
          'UNAUTHENTICATED',
          `TOKEN_${found.reason}`,
          `this API token is ${found.reason.toLowerCase()}`,
        ),
      );
    if (found.ratePerMinute !== null) {
      const used = await countTokenRequest(database, found.viewer.credentialPk!, now);
      if (used.requests > found.ratePerMinute)
        throw await refused(
          found.viewer,
          httpError(
            429,
            'RATE_LIMITED',
            'TOKEN_RATE',
            `this token may make ${found.ratePerMinute} requests a minute; try again in ${used.retryAfterSeconds} s`,
            { limit: found.ratePerMinute, retryAfterSeconds: used.retryAfterSeconds },
          ),
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
          throw httpError(
            403,
            'FORBIDDEN',
            'INTROSPECTION_DISABLED',
            contextValue.auth.viewer.via === 'token'
              ? 'introspection needs the introspection scope; the schema is published as schema.graphql'
              : 'sign in to introspect the schema',
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
