import { GraphQLError, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { TimeBudgetError } from './db/budget';
import {
  asGraphQLError,
  ErrorCode,
  formatError,
  formatYituError,
  HTTP_STATUS,
  httpAnswer,
  YituError,
} from './errors';

// @ts-expect-error a code without its status does not type-check
const partial: Record<ErrorCode, number> = { [ErrorCode.NOT_FOUND]: 404 };

const rate = new YituError(
  ErrorCode.RATE_LIMITED,
  'this token may make 3 requests a minute; try again in 12 s',
  undefined,
  'TOKEN_RATE',
  { limit: 3, retryAfterSeconds: 12 },
);

describe('HTTP_STATUS', () => {
  it('gives every code an error status, and the ones clients rely on as documented', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual(Object.values(ErrorCode).sort());
    for (const status of Object.values(HTTP_STATUS)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
    expect(HTTP_STATUS).toMatchObject({
      BAD_USER_INPUT: 400,
      BAD_REQUEST: 400,
      GRAPHQL_PARSE_FAILED: 400,
      GRAPHQL_VALIDATION_FAILED: 400,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      PAYLOAD_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      RATE_LIMITED: 429,
      INTERNAL_SERVER_ERROR: 500,
      TIMEOUT: 503,
    });
    expect(partial).toEqual({ NOT_FOUND: 404 });
  });
});

describe('formatYituError', () => {
  it('puts code, field, reason and details in the extensions, and nothing absent', () => {
    expect(
      formatYituError(
        new YituError(
          ErrorCode.BAD_USER_INPUT,
          'west is out of range',
          'bbox.west',
          'OUT_OF_RANGE',
        ),
      ),
    ).toEqual({
      message: 'west is out of range',
      extensions: { code: 'BAD_USER_INPUT', field: 'bbox.west', reason: 'OUT_OF_RANGE' },
    });
    expect(formatYituError(rate)).toEqual({
      message: rate.message,
      extensions: { code: 'RATE_LIMITED', reason: 'TOKEN_RATE', limit: 3, retryAfterSeconds: 12 },
    });
    expect(formatYituError(new YituError(ErrorCode.NOT_FOUND, 'no such photo'))).toEqual({
      message: 'no such photo',
      extensions: { code: 'NOT_FOUND' },
    });
  });
});

describe('httpAnswer', () => {
  it('answers a refused request with the status of its code, in /graphql’s shape', () => {
    const notAPhoto = new YituError(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      'only JPEG, PNG or WebP photos',
      undefined,
      'NOT_AN_IMAGE',
    );
    expect(httpAnswer(notAPhoto)).toEqual({
      status: 415,
      headers: {},
      body: { errors: [formatYituError(notAPhoto)] },
    });
  });

  it('tells a client to wait in Retry-After too', () => {
    expect(httpAnswer(rate)).toMatchObject({ status: 429, headers: { 'retry-after': '12' } });
  });
});

describe('formatError and asGraphQLError', () => {
  const noLog = () => {
    throw new Error('nothing should be logged');
  };
  const apolloFormatted = (error: GraphQLError) => formatError(error.toJSON(), error, noLog);

  it('answers a wrapped YituError as formatYituError does, with the status for Apollo alone', () => {
    const wrapped = asGraphQLError(rate);
    expect(wrapped.originalError).toBe(rate);
    expect(wrapped.extensions.http).toEqual({
      status: 429,
      headers: new Map([['retry-after', '12']]),
    });
    // the extensions say it all for what reads only them; the answer carries no http
    expect(wrapped.extensions).toMatchObject(formatYituError(rate).extensions);
    expect(apolloFormatted(wrapped)).toEqual(formatYituError(rate));
  });

  it('keeps where in the document and the answer the error is', () => {
    const operation = parse('{ node(id: "x") { id } }').definitions[0] as OperationDefinitionNode;
    const field = operation.selectionSet.selections[0]!;
    const thrown = new GraphQLError('id: "x" is not a Yitu id', {
      nodes: field,
      path: ['node'],
      originalError: new YituError(
        ErrorCode.BAD_USER_INPUT,
        'id: "x" is not a Yitu id',
        'id',
        'INVALID_ID',
      ),
    });
    expect(apolloFormatted(thrown)).toEqual({
      message: 'id: "x" is not a Yitu id',
      locations: [{ line: 1, column: 3 }],
      path: ['node'],
      extensions: { code: 'BAD_USER_INPUT', field: 'id', reason: 'INVALID_ID' },
    });
  });

  it('answers a spent time budget as TIMEOUT, whatever wrapped it', () => {
    const error = new GraphQLError('failed', {
      originalError: Object.assign(new Error('query failed'), { cause: new TimeBudgetError(250) }),
    });
    expect(apolloFormatted(error).extensions).toEqual({
      code: 'TIMEOUT',
      reason: 'TIME_BUDGET',
      limit: 250,
    });
  });

  it('keeps the code of graphql’s and Apollo’s own errors, and nothing else', () => {
    const error = new GraphQLError('Syntax Error: Unexpected <EOF>.', {
      extensions: { code: 'GRAPHQL_PARSE_FAILED', secret: 'x' },
    });
    expect(apolloFormatted(error)).toEqual({
      message: 'Syntax Error: Unexpected <EOF>.',
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
  });

  it('names the constraint a write was refused by, under drizzle’s wrapping, never its values', () => {
    const log = vi.fn();
    const driver = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
      table: 'grids',
      constraint: 'grids_code_key',
      detail: 'Key (code)=(G-13800138000) already exists.',
    });
    const wrapped = Object.assign(new Error('Failed query: INSERT INTO grids …'), {
      cause: driver,
    });
    const error = new GraphQLError(wrapped.message, {
      path: ['createGrid'],
      originalError: wrapped,
    });
    const answer = formatError(error.toJSON(), error, log);
    expect(answer).toEqual({
      message: 'grids: a row with the same key already exists (grids_code_key)',
      path: ['createGrid'],
      extensions: { code: 'CONFLICT', reason: 'UNIQUE_VIOLATION', constraint: 'grids_code_key' },
    });
    expect(JSON.stringify(answer)).not.toContain('13800138000');
    const check = Object.assign(new Error('check'), { code: '23514', table: 'resources' });
    expect(formatError({ message: 'x' }, check, log).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'CHECK_VIOLATION',
    });
    expect(log).not.toHaveBeenCalled();
  });

  it('logs anything else and answers a bare INTERNAL_SERVER_ERROR', () => {
    const log = vi.fn();
    const internal = new Error('relation "tickets" does not exist: SELECT * FROM tickets');
    const error = new GraphQLError(internal.message, {
      path: ['tickets'],
      originalError: internal,
    });
    expect(formatError(error.toJSON(), error, log)).toEqual({
      message: 'Internal server error',
      path: ['tickets'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(log).toHaveBeenCalledWith(internal);
  });
});
