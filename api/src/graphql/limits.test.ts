import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import {
  buildSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  parse,
  type OperationDefinitionNode,
  validate,
} from 'graphql';
import * as operations from '../../../schema/index';
import { LIST_BOUNDS, operationCost, QUERY_LIMITS, queryLimitRules } from './limits';

const schema = buildSchema(
  fs.readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'),
);

const costOfDocument = (source: string, variables: Record<string, unknown> = {}) => {
  const document = parse(source);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return operationCost(schema, document, operation, variables);
};

describe('query cost', () => {
  it('counts each field once per parent row, pages multiplying what is under them', () => {
    // 1 (compounds) + 10 × (nodes + code) = 21
    expect(costOfDocument('{ compounds(first: 10) { nodes { code } } }')).toBe(21);
    // a connection without first counts its default page of 50
    expect(costOfDocument('{ compounds { nodes { code } } }')).toBe(101);
    // first from a variable counts its value, or the default page when it is not given
    const byVariable = 'query($n: Int) { compounds(first: $n) { nodes { code } } }';
    expect(costOfDocument(byVariable, { n: 500 })).toBe(1001);
    expect(costOfDocument(byVariable)).toBe(101);
  });

  it('weighs ranking: candidates for one ticket or a short list pass, for a page of 100 do not', () => {
    const matches = (n: number) =>
      costOfDocument(`{ tickets(first: ${n}) { nodes { matches(first: 3) { score } } } }`);
    expect(matches(1)).toBeLessThan(QUERY_LIMITS.cost);
    expect(matches(20)).toBeLessThan(QUERY_LIMITS.cost);
    expect(matches(100)).toBeGreaterThan(QUERY_LIMITS.cost);
  });

  it('refuses a page of pages: 500 compounds with 500 buildings each', () => {
    expect(
      costOfDocument(
        '{ compounds(first: 500) { nodes { buildings(first: 500) { nodes { number } } } } }',
      ),
    ).toBeGreaterThan(QUERY_LIMITS.cost);
  });

  it('counts plain lists by what they can return, so a nested bomb of them is refused', () => {
    // 1 (regions) + 30 × (nodes 1 + grids 1 + 40 × code 1)
    expect(costOfDocument('{ regions(first: 30) { nodes { grids { code } } } }')).toBe(
      1 + 30 * (2 + LIST_BOUNDS['Region.grids']!),
    );
    let inner = 'code';
    for (let i = 0; i < 4; i++) inner = `grids { community { ${inner} } }`;
    const bomb = `{ regions(first: 30, level: COMMUNITY) { nodes { grids { community { ${inner} } } } } }`;
    expect(costOfDocument(bomb)).toBeGreaterThan(QUERY_LIMITS.cost);
    // the same list one level down is an ordinary question
    expect(
      costOfDocument('{ regions(first: 30) { nodes { grids { code workers { name } } } } }'),
    ).toBeLessThan(QUERY_LIMITS.cost);
  });

  it('counts nodes(ids:) by its ids, given inline or as a variable', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `"T${i}"`).join(',');
    expect(costOfDocument(`{ nodes(ids: [${ids(10)}]) { id } }`)).toBe(1 + 10);
    const byVariable =
      'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Ticket { matches { score } } } }';
    expect(costOfDocument(byVariable, { ids: ['a', 'b'] })).toBe(1 + 2 * (4_000 + 10));
    expect(costOfDocument(byVariable, { ids: Array(200).fill('a') })).toBeGreaterThan(
      QUERY_LIMITS.cost,
    );
  });

  it('knows what every plain list of the schema can return', () => {
    const unbounded: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || type.name.endsWith('Connection'))
        continue;
      for (const field of Object.values(type.getFields())) {
        const paged = field.args.some((a) => a.name === 'first' || a.name === 'last');
        const name = `${type.name}.${field.name}`;
        if (
          isListType(getNullableType(field.type)) &&
          isCompositeType(getNamedType(field.type)) &&
          !paged &&
          name !== 'Query.nodes' &&
          LIST_BOUNDS[name] === undefined
        )
          unbounded.push(name);
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('lets every operation of the map app through', () => {
    const costs = Object.entries(operations)
      .filter(
        ([, value]) => typeof value === 'string' && /^\s*(query|mutation|subscription)/.test(value),
      )
      .map(([name, source]) => ({ name, cost: costOfDocument(source as string) }));
    expect(costs.length).toBeGreaterThan(10);
    expect(costs.filter((c) => c.cost > QUERY_LIMITS.cost)).toEqual([]);
  });
});

describe('query depth', () => {
  const reasons = (source: string) =>
    validate(schema, parse(source), queryLimitRules).map((e) => e.extensions.reason);

  it('lets GraphiQL introspect: the schema bounds introspection, graphql-js caps its cycles', () => {
    const introspection = getIntrospectionQuery({
      descriptions: true,
      inputValueDeprecation: true,
    });
    expect(reasons(introspection)).toEqual([]);
    expect(costOfDocument(introspection)).toBeLessThanOrEqual(QUERY_LIMITS.cost);
  });

  it('still refuses data nested past the limit, with or without introspection beside it', () => {
    let nested = 'code';
    for (let i = 0; i < 7; i++) nested = `community { grids { ${nested} } }`;
    const bomb = `{ __typename grids(first: 1) { nodes { ${nested} } } }`;
    expect(reasons(bomb)).toContain('DEPTH_LIMIT');
  });

  it('limits introspection at the standard query’s depth (15), no deeper', () => {
    const chain = (n: number) => {
      let inner = 'name';
      for (let i = 0; i < n; i++) inner = `ofType { ${inner} }`;
      return `{ __schema { types { fields { type { ${inner} } } } } }`;
    };
    expect(reasons(chain(10))).toEqual([]);
    expect(reasons(chain(11))).toEqual(['DEPTH_LIMIT']);
  });
});
