import { GraphQLError, type ASTNode, type GraphQLFormattedError } from 'graphql';
import { timeBudgetOf } from './db/budget';

// The API's one error surface: YituError and its code enum. Every refusal is one, whatever the
// transport; clients see it in one shape, {message, extensions: {code, field, reason, …}},
// built by formatYituError, and a request refused as a whole answers the status HTTP_STATUS
// gives its code.
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  /** The action is not allowed from the ticket's current status (or by this actor). */
  BAD_TRANSITION = 'BAD_TRANSITION',
  /** Nobody is signed in (or the session expired: reason SESSION_EXPIRED). */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** Signed in, but the role, jurisdiction or token scope does not allow it. */
  FORBIDDEN = 'FORBIDDEN',
  /** An API token went over its requests per minute (extensions.retryAfterSeconds). */
  RATE_LIMITED = 'RATE_LIMITED',
  /** Not a request this route takes: not JSON, not multipart, a query over the socket. */
  BAD_REQUEST = 'BAD_REQUEST',
  /** The document does not parse (on the socket; Apollo answers its own over HTTP). */
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  /** The document breaks a rule or a query limit (graphql/limits.ts: reason and limit). */
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  /** A body or photo over its limit (in bytes or pixels). */
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /** A photo that is not a JPEG, PNG or WebP image. */
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  /** The request used its database time budget (reason TIME_BUDGET, limit in ms). */
  TIMEOUT = 'TIMEOUT',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/**
 * The HTTP status of a request refused as a whole, by its code: a code without one fails the
 * type check. An error inside an answer (one field's) leaves the answer's 200.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.BAD_TRANSITION]: 409,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.BAD_REQUEST]: 400,
  [ErrorCode.GRAPHQL_PARSE_FAILED]: 400,
  [ErrorCode.GRAPHQL_VALIDATION_FAILED]: 400,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCode.TIMEOUT]: 503,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
};

export class YituError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The argument path at fault, e.g. "filter.bbox.west". */
    readonly field?: string,
    /** A machine-readable reason, e.g. "OUT_OF_RANGE". */
    readonly reason?: string,
    /** Structured detail for the client: why each resource was refused, limit, retryAfterSeconds. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badInput = (field: string, reason: string, message: string) =>
  new YituError(ErrorCode.BAD_USER_INPUT, message, field, reason);

export const notFound = (what: string) => new YituError(ErrorCode.NOT_FOUND, `${what} not found`);

/** An error as clients see it, over every transport: its message and coded extensions. */
export function formatYituError(error: YituError): {
  message: string;
  extensions: Record<string, unknown>;
} {
  return {
    message: error.message,
    extensions: {
      code: error.code,
      ...(error.field ? { field: error.field } : {}),
      ...(error.reason ? { reason: error.reason } : {}),
      ...error.details,
    },
  };
}

/** How a request refused as a whole is answered over HTTP, in /graphql's own shape. */
export function httpAnswer(error: YituError): {
  status: number;
  headers: Record<string, string>;
  body: { errors: GraphQLFormattedError[] };
} {
  const retryAfter = error.details?.retryAfterSeconds;
  return {
    status: HTTP_STATUS[error.code],
    // a client told to wait is told so in the header too
    headers: typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {},
    body: { errors: [formatYituError(error)] },
  };
}

/**
 * A YituError where graphql-js or Apollo takes only a GraphQLError: a validation rule, a plugin
 * or the context refusing the whole request. It is the originalError (formatError and the audit
 * log read it); the extensions say the same for what reads only them, and carry the HTTP status
 * and headers for Apollo (which takes them out of the answer). A resolver just throws.
 */
export function asGraphQLError(error: YituError, nodes?: readonly ASTNode[]): GraphQLError {
  const { status, headers } = httpAnswer(error);
  return new GraphQLError(error.message, {
    nodes,
    originalError: error,
    extensions: {
      ...formatYituError(error).extensions,
      http: { status, headers: new Map(Object.entries(headers)) },
    },
  });
}

/**
 * What was thrown, under the errors that carry it: graphql-js's and graphql-jit's (the executor,
 * graphql/executor.ts) located errors, and Apollo's wrapping of either.
 */
export function thrownOf(error: unknown): unknown {
  let at = error;
  while (at instanceof Object && 'originalError' in at && at.originalError) at = at.originalError;
  return at;
}

/**
 * The YituError an error is or stands for, or null: a spent time budget is a TIMEOUT, and a
 * write the database refused by a constraint (a unique key two writers raced for, a check) says
 * which one rather than being an internal error.
 */
export function yituErrorOf(error: unknown): YituError | null {
  const original = thrownOf(error);
  const budget = timeBudgetOf(original);
  if (budget)
    return new YituError(ErrorCode.TIMEOUT, budget.message, undefined, 'TIME_BUDGET', {
      limit: budget.budgetMs,
    });
  return original instanceof YituError ? original : refusedByConstraint(original);
}

/** SQLSTATEs of a write refused by a constraint: what the caller hears (the row's values never). */
const CONSTRAINT_REFUSALS: Record<string, [ErrorCode, string, string]> = {
  '23505': [ErrorCode.CONFLICT, 'UNIQUE_VIOLATION', 'a row with the same key already exists'],
  '23514': [ErrorCode.BAD_USER_INPUT, 'CHECK_VIOLATION', 'a value breaks a rule of the table'],
};

/** A constraint's refusal under drizzle's wrapping (the driver's error is its cause), or null. */
function refusedByConstraint(error: unknown): YituError | null {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, table, constraint } = e as {
      code?: unknown;
      table?: unknown;
      constraint?: unknown;
    };
    const refusal = typeof code === 'string' ? CONSTRAINT_REFUSALS[code] : undefined;
    if (!refusal) continue;
    const [errorCode, reason, what] = refusal;
    const where = typeof table === 'string' ? `${table}: ` : '';
    const name = typeof constraint === 'string' ? ` (${constraint})` : '';
    return new YituError(errorCode, `${where}${what}${name}`, undefined, reason, {
      ...(typeof constraint === 'string' ? { constraint } : {}),
    });
  }
  return null;
}

export const logInternalError = (error: unknown) => console.error('internal error:', error);

/**
 * Apollo formatError (the socket's too): codes on every error. Internals (stack traces, SQL, its
 * parameters) never reach the caller, in any mode: an unexpected error is handed to
 * `logInternal` and answered as a bare INTERNAL_SERVER_ERROR.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logInternal: (error: unknown) => void = logInternalError,
): GraphQLFormattedError {
  const known = yituErrorOf(error);
  if (known) {
    const { message, extensions } = formatYituError(known);
    return {
      message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions,
    };
  }
  const code = formatted.extensions?.code;
  // Apollo's and graphql-js's own errors (parsing, validation, variables) carry their code: keep
  // it, and nothing else
  if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR)
    return { ...formatted, extensions: { code } };
  logInternal(thrownOf(error));
  return {
    message: 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
