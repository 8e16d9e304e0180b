import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

// The fields a query selects under the field being resolved (its fragments followed, @skip and
// @include ignored: a field that might be asked counts as asked). Every item of a list shares
// its field's nodes, so the answer is remembered by them: one walk per list, not per row.
const remembered = new WeakMap<object, ReadonlySet<string>>();

export function selectedFields(info: GraphQLResolveInfo): ReadonlySet<string> {
  const known = remembered.get(info.fieldNodes);
  if (known) return known;
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        walk(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  remembered.set(info.fieldNodes, names);
  return names;
}
