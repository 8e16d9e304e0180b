import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import Negotiator from 'negotiator';
import { parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { mayReadWithoutObjects } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { SESSION_COOKIE } from '../auth/credentials';
import { readCookie } from '../auth/http';
import type { SessionMemory } from '../auth/session-memory';
import { outsideTimeBudget, settleTimeBudget, withTimeBudget } from '../db/budget';
import type { Database } from '../db';
import { httpAnswer } from '../errors';
import { costRefusal, QUERY_LIMITS, queryLimitRules } from '../graphql/limits';
import { answerStatement, planAnswer, type AnswerPlan } from '../graphql/sql-answer';
import { hasInvalidText } from '../graphql/text';
import { bodyNotJson } from './refuse';

// POST /graphql, answered by one statement when it can be (graphql/sql-answer.ts), in front of
// Express and Apollo as the tiles are: a signed-in map's reads of places. It takes a request only
// when everything the general path would check is known to pass: a session cookie (found as the
// general path finds it, through the memory of sessions: auth/session-memory.ts), a JSON body within the limit, a
// document that parses and validates under the query limits, text and cost within bounds, and
// every field it touches allowed by the policy without looking at objects. Anything else, or any
// failure on the way, goes to Express unchanged (the body it has read handed over as parsed), so
// errors, audit lines and every other behaviour stay the general path's.

/** Documents kept planned (or known not to be answered here); the map sends a few dozen. */
const PLANS_KEPT = 500;
/**
 * A number PostgreSQL writes with an exponent (1e-05) where JavaScript would not (0.00001): such
 * an answer (or one with a text that looks like it, after a colon, comma or bracket) is left to
 * the general path.
 */
const EXPONENT = /[:,[]-?\d+(\.\d+)?[eE][+-]?\d/;

export interface SqlAnswers {
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export function sqlAnswers(options: {
  database: Database;
  schema: GraphQLSchema;
  sessions: SessionMemory;
  now: () => Date;
  bodyLimitBytes: number;
  budgetMs: number;
  /** The headers of every /graphql answer (security headers, no-store). */
  headers: Record<string, string>;
  /** The compression middleware of /graphql's general path (app.ts). */
  compress: RequestHandler;
  /** Express: what is declined goes there, its body already parsed. */
  general: (req: IncomingMessage, res: ServerResponse) => void;
}): SqlAnswers {
  const { database, schema, sessions, now, general } = options;
  /**
   * A document's plan, whether its cost is known to be within the limit whatever is sent, and
   * whether the policy allows it to the viewers met.
   */
  const plans = new Map<
    string,
    { plan: AnswerPlan; costChecked: boolean; allowed: WeakMap<Viewer, boolean> } | null
  >();
  const rules = [...specifiedRules, ...queryLimitRules];

  function planOf(query: string, operationName: string | undefined) {
    const key = `${operationName ?? ''}\n${query}`;
    let plan = plans.get(key);
    if (plan !== undefined) return plan;
    plan = null;
    try {
      const document = parse(query, { maxTokens: QUERY_LIMITS.tokens });
      const planned =
        validate(schema, document, rules).length === 0 && !hasInvalidText.literals(document)
          ? planAnswer(schema, document, operationName)
          : null;
      // without variables, a document costs the same every time
      if (planned)
        plan = {
          allowed: new WeakMap(),
          plan: planned,
          costChecked:
            !planned.operation.variableDefinitions?.length &&
            !costRefusal(schema, document, planned.operation, {}),
        };
    } catch {
      // not parsed: the general path answers it with its error
    }
    if (plans.size >= PLANS_KEPT) plans.delete(plans.keys().next().value!);
    plans.set(key, plan);
    return plan;
  }

  async function answer(body: unknown, at: Date, viewer: Viewer) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
    const { query, variables, operationName, extensions } = body as Record<string, unknown>;
    if (typeof query !== 'string' || extensions !== undefined) return null;
    if (operationName != null && (typeof operationName !== 'string' || operationName === ''))
      return null;
    if (variables != null && (typeof variables !== 'object' || Array.isArray(variables)))
      return null;
    const sent = (variables ?? {}) as Record<string, unknown>;
    const planned = planOf(query, operationName ?? undefined);
    if (!planned) return null;
    // the policy's answer for this viewer (one object while its session is remembered)
    let allowed = planned.allowed.get(viewer);
    if (allowed === undefined) {
      allowed = mayReadWithoutObjects(viewer, planned.plan.fields);
      planned.allowed.set(viewer, allowed);
    }
    if (!allowed) return null;
    const { plan } = planned;
    if (hasInvalidText.variables(sent)) return null;
    if (!planned.costChecked && costRefusal(schema, plan.document, plan.operation, sent))
      return null;
    return withTimeBudget(options.budgetMs, async () => {
      const statement = await answerStatement(database, schema, plan, sent, at);
      if (!statement) return null;
      const [row] = await database.preparedText<{ answer: string }>(
        statement.text,
        statement.params,
      );
      settleTimeBudget();
      return row && !EXPONENT.test(row.answer) ? row.answer : null;
    });
  }

  const answerHeaders = {
    ...options.headers,
    'Content-Type': 'application/json; charset=utf-8',
  };

  /** The answer, through the general path's own compression (the same choice and settings). */
  function send(req: IncomingMessage, res: ServerResponse, text: string) {
    options.compress(req as never, res as never, () => {
      const payload = Buffer.from(text, 'utf8');
      res.writeHead(200, { ...answerHeaders, 'Content-Length': String(payload.length) });
      res.end(payload);
    });
  }

  async function serve(req: IncomingMessage, res: ServerResponse, at: Date) {
    const read = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      req.on('error', reject);
    });
    let body: unknown = null;
    try {
      // as express.json reads it: UTF-8, a byte order mark dropped
      body = JSON.parse(read.toString('utf8').replace(/^\uFEFF/, ''));
    } catch {
      // refused below, as the general path's JSON parser refuses it
    }
    // as express.json (strict): an object or an array, or the same refusal
    if (typeof body !== 'object' || body === null) {
      const { status, headers, body: refusal } = httpAnswer(bodyNotJson());
      res.writeHead(status, {
        ...options.headers,
        ...headers,
        'Content-Type': 'application/json; charset=utf-8',
      });
      res.end(JSON.stringify(refusal));
      return;
    }
    let text: string | null = null;
    try {
      // who asks, as the general path finds out (outside the request's budget): a remembered
      // session at once, else looked up and remembered
      const { viewer } = await outsideTimeBudget(() =>
        sessions.authenticate(database, req.headers, at, 'POST /graphql'),
      );
      text = await answer(body, at, viewer);
    } catch {
      text = null; // the general path answers, with its error if there is one
    }
    if (text !== null) return send(req, res, text);
    (req as IncomingMessage & { body?: unknown }).body = body;
    general(req, res);
  }

  return {
    handle(req, res) {
      if (req.method !== 'POST' || req.url !== '/graphql') return false;
      const { headers } = req;
      const type = headers['content-type'] ?? '';
      const length = Number(headers['content-length']);
      if (
        !/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type) ||
        !(length > 0 && length <= options.bodyLimitBytes) ||
        // a compressed body is express's to inflate (or refuse)
        headers['content-encoding'] !== undefined ||
        // an answer in another media type (or a refusal) is Apollo's to give
        (headers.accept !== undefined && acceptedType(headers.accept) !== 'application/json') ||
        headers.authorization !== undefined ||
        !readCookie(headers.cookie, SESSION_COOKIE)
      )
        return false;
      serve(req, res, now()).catch((error: unknown) => {
        console.error('answer failed', error);
        if (!res.headersSent) res.destroy();
      });
      return true;
    },
  };
}

/** The media type Apollo would answer in for this Accept header (ApolloServer.ts). */
const acceptedType = (accept: string) =>
  new Negotiator({ headers: { accept } }).mediaType([
    'application/json',
    'application/graphql-response+json',
    'application/json; callback',
  ]);
