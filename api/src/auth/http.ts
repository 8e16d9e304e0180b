import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Database } from '../db';
import type { Context } from '../graphql/context';
import { YituError } from '../graphql/errors';
import { costRefusal } from '../graphql/limits';
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

export async function authenticate(
  database: Database,
  headers: IncomingHttpHeaders,
  now: Date,
): Promise<{ viewer: Viewer; sessionSecret: string | null }> {
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+([\w-]{10,200})$/i.exec(authorization.trim());
    if (!match)
      throw httpError(
        401,
        'UNAUTHENTICATED',
        'TOKEN_INVALID',
        'send Authorization: Bearer <token>',
      );
    const found = await authenticateSecret(database, match[1]!, 'API_TOKEN', now);
    if (!found.ok)
      throw httpError(
        401,
        'UNAUTHENTICATED',
        `TOKEN_${found.reason}`,
        `this API token is ${found.reason.toLowerCase()}`,
      );
    if (found.ratePerMinute !== null) {
      const used = await countTokenRequest(database, found.viewer.credentialPk!, now);
      if (used.requests > found.ratePerMinute)
        throw httpError(
          429,
          'RATE_LIMITED',
          'TOKEN_RATE',
          `this token may make ${found.ratePerMinute} requests a minute; try again in ${used.retryAfterSeconds} s`,
          { limit: found.ratePerMinute, retryAfterSeconds: used.retryAfterSeconds },
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

// secrets and personal data never enter the audit log; free text may hold either (a resident
// writes their phone into the description), so only its length is kept
const SECRET_KEYS = /password|token|idempotencyKey|reporterPhone|reporterName|contactPhone/i;
const FREE_TEXT = /^(description|reason|comment|text)$/;
/** Variables as the audit log keeps them: no secrets or personal data, long text cut. */
function redact(value: unknown, depth = 0): unknown {
  if (depth > 5) return '…';
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        SECRET_KEYS.test(k)
          ? '[redacted]'
          : FREE_TEXT.test(k) && typeof v === 'string'
            ? `[${v.length} characters]`
            : redact(v, depth + 1),
      ]),
    );
  return value;
}

/**
 * Introspection and field suggestions only for the map app's sessions and tokens granted the
 * `introspection` scope; an audit line for every mutation and every API-token request.
 */
export const securityPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, document, operation, request, schema }) {
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
      async willSendResponse({ contextValue, response, operation, request, errors }) {
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
        const kind = operation?.operation;
        const viewer = contextValue.auth.viewer;
        if (kind !== 'mutation' && viewer.via !== 'token') return;
        const fields =
          operation?.selectionSet.selections
            .map((s) => (s.kind === Kind.FIELD ? s.name.value : '…'))
            .join(',') ?? '(not parsed)';
        if (/^(signIn|signOut|issueApiToken|revokeApiToken)$/.test(fields)) return; // they log themselves
        // a YituError's code and reason become extensions only in formatError, after this hook
        const codes = (errors ?? []).map((e) => {
          const original = e.originalError instanceof YituError ? e.originalError : null;
          const code = original?.code ?? e.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
          const reason = original?.reason ?? e.extensions?.reason;
          return `${String(code)}${reason ? ` ${String(reason)}` : ''}`;
        });
        await contextValue.auth.audit({
          action: `${kind ?? 'request'} ${fields}`,
          target: request.operationName ?? null,
          result: codes.length ? [...new Set(codes)].join('; ') : 'OK',
          details: { variables: redact(request.variables ?? {}) as Record<string, unknown> },
        });
      },
    };
  },
};
