/**
 * Executes operations with graphql-jit instead of graphql-js's interpreter.
 *
 * Why: under load, graphql-js's execution was the largest single cost of a list query (a quarter
 * of the API's CPU and a third to a half of its allocation for 111 nested compounds: per field
 * and row it builds paths, checks types and chains results). graphql-jit compiles each operation
 * once into a function that does the same work for that operation's shape. Resolvers, the
 * policy on each field (auth/policy.ts), scalars, errors and null propagation are the schema's as
 * before; Apollo still parses, validates (depth, aliases, tokens: limits.ts) and formats.
 *
 * Apollo Server takes an executor only from a "gateway", so this is a gateway with one fixed
 * schema. Compiled operations are kept per document text and operation name, a bounded number.
 */
import type { ApolloServerOptions } from '@apollo/server';
import {
  execute,
  getNamedType,
  getVariableValues,
  GraphQLError,
  GraphQLInputObjectType,
  Kind,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type TypeNode,
  valueFromASTUntyped,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Gateway = Extract<ApolloServerOptions<never>, { gateway: unknown }>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/** Distinct operations kept compiled; the map and third parties send a few dozen. */
const COMPILED_KEPT = 500;

/** The variables as sent, with the operation's defaults for those left out (graphql-jit
 * refuses a non-null variable left out even when it has a default). */
function withDefaults(operation: OperationDefinitionNode, sent: Record<string, unknown>) {
  let values = sent;
  for (const { variable, defaultValue } of operation.variableDefinitions ?? []) {
    const name = variable.name.value;
    if (defaultValue && !(name in sent))
      values = { ...values, [name]: valueFromASTUntyped(defaultValue) };
  }
  return values;
}

const namedTypeOf = (type: TypeNode): string =>
  type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);

/** Names of the input types holding, at any depth, a field with a default value. */
function inputsWithDefaults(schema: GraphQLSchema): Set<string> {
  const holds = (type: GraphQLInputObjectType, seen: Set<string>): boolean =>
    Object.values(type.getFields()).some((field) => {
      if (field.defaultValue !== undefined) return true;
      const inner = getNamedType(field.type);
      if (!(inner instanceof GraphQLInputObjectType) || seen.has(inner.name)) return false;
      seen.add(inner.name);
      return holds(inner, seen);
    });
  return new Set(
    Object.values(schema.getTypeMap())
      .filter((t) => t instanceof GraphQLInputObjectType && holds(t, new Set([t.name])))
      .map((t) => t.name),
  );
}

/**
 * graphql-jit's located error as graphql-js's, which the rest of the API reads (formatError,
 * the audit's result, plugins): extensions always an object, the thrown error as originalError.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  if (error instanceof GraphQLError && error.extensions) return error;
  const thrown = error.originalError ?? undefined;
  const copy = new GraphQLError(error.message, {
    path: error.path,
    originalError: thrown,
    extensions: error.extensions ?? undefined,
  });
  (copy as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return copy;
}

export function compiledExecution(schema: GraphQLSchema): Gateway {
  const compiled = new Map<string, CompiledQuery | ExecutionResult>();
  const defaulted = inputsWithDefaults(schema);
  const executor: Executor = async (request) => {
    const { document, operation, operationName, context } = request;
    const variableValues = request.request.variables ?? {};
    // On graphql-js: an operation that did not resolve (an unknown or empty operationName,
    // several operations and none named: graphql-js says which, and Apollo answers it as a 400
    // OPERATION_RESOLUTION_FAILURE); mutations (writes, one transaction each: the interpreter's
    // cost is nothing beside them); operations whose variables hold input fields with defaults
    // (graphql-jit leaves such a field out). The name is the one sent: the gateway's request
    // carries the resolved one, null when none resolved.
    if (
      !operation ||
      operation.operation !== 'query' ||
      (operation.variableDefinitions ?? []).some((v) => defaulted.has(namedTypeOf(v.type)))
    )
      return execute({
        schema,
        document,
        operationName: request.request.operationName,
        contextValue: context,
        variableValues,
      }) as Promise<ExecutionResult>;
    const key = `${operationName ?? ''}\n${request.queryHash}`;
    let query = compiled.get(key);
    if (!query) {
      query = compileQuery(schema, document, operationName ?? undefined);
      if (compiled.size >= COMPILED_KEPT) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, query);
    }
    // a document graphql-jit cannot compile answers with the errors it gives
    if (!isCompiledQuery(query)) return query;
    // variables coerced by graphql-js first: its refusals carry the variable's node, which is how
    // Apollo answers them as BAD_USER_INPUT (graphql-jit's own would read as internal errors)
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues);
    if (coerced.errors) return { errors: coerced.errors };
    const result = await query.query(undefined, context, withDefaults(operation, variableValues));
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    load: async () => ({ executor }),
    stop: async () => {},
  };
}
