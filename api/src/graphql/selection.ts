import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

// The fields a query selects under the field being resolved (its fragments followed, @skip and
// @include ignored: a field that might be asked counts as asked). Every item of a list shares
// its field's nodes, so the answer is remembered by them: one walk per list, not per row.
const remembered = new WeakMap<object, ReadonlySet<string>>();

export function selectedFields(info: GraphQLResolveInfo): ReadonlySet<string> {
  const known = remembered.get(info.fieldNodes);
  if (known) return known;
  const names = fieldsSelectedUnder(info, info.fieldNodes);
  remembered.set(info.fieldNodes, names);
  return names;
}

/** The names of the fields selected under `nodes` (fragments followed). */
export function fieldsSelectedUnder(
  info: GraphQLResolveInfo,
  nodes: readonly FieldNode[],
): Set<string> {
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
  for (const node of nodes) walk(node.selectionSet);
  return names;
}

/** Where a resolver's rows are: its own object, or a connection's nodes and edges. */
export const ROW_PATHS = [[], ['nodes'], ['edges', 'node']] as const;

/**
 * The nodes of the field `name` asked of the rows the field being resolved returns: its own
 * object's (path []) or a connection's rows (paths ['nodes'] and ['edges', 'node']), fragments
 * followed. A resolver that reads its rows can then read what they will be asked in the same
 * statement.
 */
export function fieldNodesOnRows(
  info: GraphQLResolveInfo,
  paths: readonly (readonly string[])[],
  name: string,
): FieldNode[] {
  const found: FieldNode[] = [];
  const fieldsIn = (sets: (SelectionSetNode | undefined)[], wanted: string): FieldNode[] => {
    const fields: FieldNode[] = [];
    const seen = new Set<string>();
    const walk = (set: SelectionSetNode | undefined) => {
      for (const selection of set?.selections ?? []) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value === wanted) fields.push(selection);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
        else if (!seen.has(selection.name.value)) {
          seen.add(selection.name.value);
          walk(info.fragments[selection.name.value]?.selectionSet);
        }
      }
    };
    sets.forEach(walk);
    return fields;
  };
  for (const path of paths) {
    let sets = info.fieldNodes.map((node) => node.selectionSet);
    for (const step of path) sets = fieldsIn(sets, step).map((node) => node.selectionSet);
    found.push(...fieldsIn(sets, name));
  }
  return found;
}
