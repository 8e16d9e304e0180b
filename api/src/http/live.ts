import type http from 'node:http';
import {
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { countTokenRequest } from '../auth/credentials';
import { writeAudit, redact, resultOf, rootFields, targetOf } from '../auth/audit';
import { Guard } from '../auth/guard';
import { requireRootPermission } from '../auth/policy';
import { authenticateSocket, tokenRateRefusal } from '../auth/http';
import type { Viewer } from '../auth/viewer';
import type { Database } from '../db';
import { createContext } from '../graphql/context';
import type { WorkingCalendar } from '../modules/ticket/working-calendar';
import { asGraphQLError, ErrorCode, formatError, YituError } from '../errors';
import { costRefusal, QUERY_LIMITS, queryLimitRules, SOCKET_LIMITS } from '../graphql/limits';

// Live ticket events over graphql-ws on /graphql. The socket is held to the same rules as HTTP:
// only signed-in callers connect; only subscriptions run here (queries and mutations go to
// POST /graphql, with its audit and rate limits); each is parsed and validated with the same
// limits, a subscription to a hundredth of a query's cost (it runs again for every event), a
// socket to SOCKET_LIMITS.subscriptions at once; a token's subscription counts against its rate. A socket closes when its credential
// expires, is signed out or revoked (on any API process: revocations are NOTIFYed).

export const CREDENTIALS_CHANNEL = 'yitu_credentials';
const MAX_FRAME_BYTES = 64 * 1024;

interface Held {
  viewer: Viewer;
  ratePerMinute: number | null;
  /** Its subscriptions running now, by graphql-ws id. */
  live: Set<string>;
}

const refusal = (message: string, code: ErrorCode, reason: string) =>
  asGraphQLError(new YituError(code, message, undefined, reason));

/** What the client sees of an error: what /graphql would answer (no internals, codes on all). */
const formatted = (error: GraphQLError) => formatError(error.toJSON(), error);

export function serveLiveEvents(
  server: http.Server,
  schema: GraphQLSchema,
  database: Database,
  now: () => Date,
  calendar: WorkingCalendar,
): { dispose(): Promise<void>; closeCredential(credentialPk: number): void } {
  const held = new WeakMap<object, Held>();
  const byCredential = new Map<number, Set<WebSocket>>();
  const wsServer = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: MAX_FRAME_BYTES,
    // a browser page from another site may not open a socket with this site's cookie
    verifyClient: ({ req }: { req: http.IncomingMessage }) => {
      const origin = req.headers.origin;
      if (!origin) return true; // not a browser
      try {
        return new URL(origin).host === req.headers.host;
      } catch {
        return false;
      }
    },
  });

  const closeCredential = (credentialPk: number) => {
    for (const socket of byCredential.get(credentialPk) ?? []) socket.close(4401, 'Unauthorized');
    byCredential.delete(credentialPk);
  };

  /** A token's every subscription is in the audit log with its result, as its requests are. */
  const auditedForTokens =
    <C extends { extra: { socket: object } }, R>(
      subscribe: (ctx: C, id: string, payload: SubscribePayload) => Promise<R>,
    ) =>
    async (ctx: C, id: string, payload: SubscribePayload): Promise<R> => {
      const answer = await subscribe(ctx, id, payload);
      const viewer = held.get(ctx.extra.socket)?.viewer;
      if (viewer?.via === 'token')
        await writeAudit(database, viewer, now(), {
          action: `subscription ${subscribedFields(payload)}`,
          target: targetOf(payload.variables),
          result: Array.isArray(answer) ? [...new Set(answer.map(resultOf))].join('; ') : 'OK',
          details: { variables: redact(payload.variables ?? {}) as Record<string, unknown> },
        });
      return answer;
    };

  // a refusal for holding too much is an abuse signal: it is audited
  const refusedAudited = async (state: Held, payload: SubscribePayload, error: GraphQLError) => {
    await new Guard(state.viewer, database, now).audit({
      action: 'subscription',
      target: payload.operationName ?? null,
      result: resultOf(error),
      details: { live: state.live.size },
    });
    return [error];
  };

  /** The errors that refuse a subscription, or undefined to run it. */
  const admit = async (
    state: Held,
    payload: SubscribePayload,
  ): Promise<readonly GraphQLError[] | undefined> => {
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: QUERY_LIMITS.tokens });
    } catch (error) {
      return [refusal((error as Error).message, ErrorCode.GRAPHQL_PARSE_FAILED, 'SYNTAX')];
    }
    const operation = getOperationAST(document, payload.operationName ?? undefined);
    if (operation?.operation !== 'subscription')
      return [
        refusal(
          'only subscriptions run over the socket: send queries and mutations to POST /graphql',
          ErrorCode.BAD_REQUEST,
          'SUBSCRIPTIONS_ONLY',
        ),
      ];
    const tooCostly = costRefusal(
      schema,
      document,
      operation,
      payload.variables ?? {},
      SOCKET_LIMITS.cost,
    );
    if (tooCostly) return refusedAudited(state, payload, tooCostly);
    const errors = validate(schema, document, [...specifiedRules, ...queryLimitRules]);
    // a limit's refusal is a YituError already; graphql's own rules get their code here
    if (errors.length > 0)
      return errors.map((e) =>
        e.originalError instanceof YituError
          ? e
          : asGraphQLError(
              new YituError(
                ErrorCode.GRAPHQL_VALIDATION_FAILED,
                state.viewer.introspection
                  ? e.message
                  : e.message.replace(/ ?Did you mean .*\?$/, ''),
              ),
              e.nodes,
            ),
      );
    if (state.ratePerMinute !== null) {
      const used = await countTokenRequest(database, state.viewer.credentialPk!, now());
      if (used.requests > state.ratePerMinute)
        return [asGraphQLError(tokenRateRefusal(state.ratePerMinute, used.retryAfterSeconds))];
    }
    // each subscription needs what the policy says for it, before it holds a socket slot
    try {
      const guard = new Guard(state.viewer, database, now);
      for (const field of rootFields(document, operation))
        requireRootPermission(guard, `Subscription.${field}`);
    } catch (error) {
      if (!(error instanceof YituError)) throw error;
      return [asGraphQLError(error)];
    }
    return undefined;
  };

  const cleanup = useServer(
    {
      schema,
      onConnect: async (ctx) => {
        let found;
        try {
          found = await authenticateSocket(
            database,
            ctx.connectionParams?.authorization,
            ctx.extra.request.headers.cookie,
            now(),
          );
        } catch (error) {
          // nothing to see without signing in: 4403 Forbidden (the refusal has its audit line)
          if (error instanceof YituError) return false;
          throw error;
        }
        const socket = ctx.extra.socket;
        held.set(socket, {
          viewer: found.viewer,
          ratePerMinute: found.ratePerMinute,
          live: new Set(),
        });
        const pk = found.viewer.credentialPk!;
        const sockets = byCredential.get(pk) ?? new Set<WebSocket>();
        sockets.add(socket);
        byCredential.set(pk, sockets);
        const left = (found.viewer.expiresAt?.getTime() ?? Infinity) - now().getTime();
        const timer = setTimeout(
          () => socket.close(4401, 'Unauthorized'),
          Math.min(Math.max(left, 0), 2_147_000_000),
        );
        socket.once('close', () => {
          clearTimeout(timer);
          sockets.delete(socket);
          if (sockets.size === 0) byCredential.delete(pk);
        });
        return true;
      },
      onSubscribe: auditedForTokens(async (ctx, id, payload) => {
        const state = held.get(ctx.extra.socket);
        if (!state)
          return [refusal('sign in first', ErrorCode.UNAUTHENTICATED, 'SIGN_IN_REQUIRED')];
        if (state.live.size >= SOCKET_LIMITS.subscriptions)
          return refusedAudited(
            state,
            payload,
            refusal(
              `a socket may hold ${SOCKET_LIMITS.subscriptions} subscriptions at once: complete one first`,
              ErrorCode.BAD_REQUEST,
              'SUBSCRIPTION_LIMIT',
            ),
          );
        // the place is taken before anything is awaited: subscriptions sent at once count too
        state.live.add(id);
        const refused = await admit(state, payload);
        if (refused) state.live.delete(id);
        return refused;
      }),
      onComplete: (ctx, id) => {
        held.get(ctx.extra.socket)?.live.delete(id);
      },
      context: (ctx) => createContext(database, now, calendar, held.get(ctx.extra.socket)!.viewer),
      // refusals and errors in events are formatted as /graphql formats them
      onError: (_ctx, _id, _payload, errors) => errors.map(formatted),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map(formatted) } : undefined,
    },
    wsServer,
  );
  return {
    dispose: async () => {
      await cleanup.dispose();
    },
    closeCredential,
  };
}

function subscribedFields(payload: SubscribePayload): string {
  try {
    const document = parse(payload.query, { maxTokens: QUERY_LIMITS.tokens });
    const operation = getOperationAST(document, payload.operationName ?? undefined);
    return operation ? rootFields(document, operation).join(',') : '(no operation)';
  } catch {
    return '(not parsed)';
  }
}
