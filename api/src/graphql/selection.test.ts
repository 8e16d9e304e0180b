import { describe, expect, it } from 'vitest';
import { buildSchema, execute, parse, type GraphQLResolveInfo } from 'graphql';
import { selectedFields } from './selection';

// What the stats loaders compute: the figures a query names under `stats`, through fragments.
describe('selectedFields', () => {
  const schema = buildSchema(`
    type Stats { open: Int, total: Int, rework: Float }
    type Place { stats: Stats }
    type Query { places: [Place] }`);
  const asked = (query: string) => {
    const seen: string[][] = [];
    // graphql-js's default resolver calls a function-valued property with (args, context, info)
    const stats = (_args: unknown, _context: unknown, info: GraphQLResolveInfo) => {
      seen.push([...selectedFields(info)].sort());
      return {};
    };
    execute({
      schema,
      document: parse(query),
      rootValue: { places: [{ stats }, { stats }] },
    });
    return seen;
  };

  it('names the fields asked, and only those, for every item of a list', () => {
    expect(asked('{ places { stats { open } } }')).toEqual([['open'], ['open']]);
  });

  it('follows inline and named fragments', () => {
    expect(
      asked(`{ places { stats { ... on Stats { total } ...F } } }
        fragment F on Stats { rework __typename }`),
    ).toEqual([
      ['__typename', 'rework', 'total'],
      ['__typename', 'rework', 'total'],
    ]);
  });
});
