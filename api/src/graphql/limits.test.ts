import { describe, expect, it } from 'vitest';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import * as operations from '../../../schema/index';
import { costOf, fragmentsOf, QUERY_LIMITS } from './limits';

const costOfDocument = (source: string, variables: Record<string, unknown> = {}) => {
  const document = parse(source);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return costOf(operation.selectionSet, fragmentsOf(document), variables);
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
