import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { timeBudgetOf } from './db/budget';

// One error type for the API, with a code enum; mapped to GraphQL errors in formatError below.
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
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export class YituError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The argument path at fault, e.g. "filter.bbox.west". */
    readonly field?: string,
    /** A machine-readable reason, e.g. "OUT_OF_RANGE". */
    readonly reason?: string,
    /** Structured detail for the client, e.g. why each resource was refused. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badInput = (field: string, reason: string, message: string) =>
  new YituError(ErrorCode.BAD_USER_INPUT, message, field, reason);

export const notFound = (what: string) => new YituError(ErrorCode.NOT_FOUND, `${what} not found`);

/**
 * Apollo formatError: codes on every error. Internals (stack traces, SQL, its parameters) never
 * reach the caller, in any mode: an unexpected error is handed to `logInternal` and answered
 * as a bare INTERNAL_SERVER_ERROR.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logInternal: (error: unknown) => void,
): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : error;
  const budget = timeBudgetOf(original);
  if (budget) {
    return {
      message: budget.message,
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'TIMEOUT', reason: 'TIME_BUDGET', limit: budget.budgetMs },
    };
  }
  if (original instanceof YituError) {
    return {
      message: original.message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: {
        code: original.code,
        ...(original.field ? { field: original.field } : {}),
        ...(original.reason ? { reason: original.reason } : {}),
        ...original.details,
      },
    };
  }
  const code = formatted.extensions?.code;
  // GraphQL validation, parsing and variable errors carry their own codes: keep them, with a
  // limit's reason and numbers (graphql/limits.ts, rate limits), and nothing else
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
    const { reason, limit, retryAfterSeconds } = formatted.extensions ?? {};
    return {
      ...formatted,
      extensions: {
        code,
        ...(reason ? { reason } : {}),
        ...(limit ? { limit } : {}),
        ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
      },
    };
  }
  logInternal(original ?? error);
  return {
    message: 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
