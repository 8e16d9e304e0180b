import { Field, ID, InterfaceType } from 'type-graphql';

// Objects loaded through node(id) carry their type name here, so the interface can resolve them.
export const NODE_TYPE = Symbol('nodeType');

/** The type name of an object loaded through node(id), at once (no promise: graphql/executor.ts). */
export const nodeTypeOf = (value: unknown) => (value as { [NODE_TYPE]?: string })[NODE_TYPE];

@InterfaceType({
  description: 'An object with a global id, fetchable with Query.node(id).',
  resolveType: nodeTypeOf,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id.' })
  id!: string;
}
