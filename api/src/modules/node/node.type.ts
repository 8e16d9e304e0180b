import { Field, ID, InterfaceType } from 'type-graphql';

// Objects loaded through node(id) carry their type name here, so the interface can resolve them.
export const NODE_TYPE = Symbol('nodeType');

@InterfaceType({
  description: 'An object with a global id, fetchable with Query.node(id).',
  resolveType: (value) => (value as { [NODE_TYPE]?: string })[NODE_TYPE],
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id.' })
  id!: string;
}
