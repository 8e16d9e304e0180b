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
  return new Set(fieldsIn(info, nodes).map((field) => field.name.value));
}

/** The fields directly under `nodes`' selections, fragments followed. */
function fieldsIn(info: GraphQLResolveInfo, nodes: readonly FieldNode[]): FieldNode[] {
  const fields: FieldNode[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        walk(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const node of nodes) walk(node.selectionSet);
  return fields;
}

/** Where a resolver's rows are: its own object, or a connection's nodes and edges. */
const ROW_PATHS = [[], ['nodes'], ['edges', 'node']];

/**
 * The nodes of the field `name` asked of the rows the field being resolved returns (its own
 * object, or a connection's nodes and edges' nodes), fragments followed: a resolver that reads
 * its rows can read what they will be asked in the same statement. Type conditions, @skip and
 * @include are not judged: a field that might be asked counts as asked (more read, never less).
 */
export function fieldNodesOnRows(info: GraphQLResolveInfo, name: string): FieldNode[] {
  return ROW_PATHS.flatMap((path) => {
    let nodes = info.fieldNodes as readonly FieldNode[];
    for (const step of path) nodes = fieldsIn(info, nodes).filter((f) => f.name.value === step);
    return fieldsIn(info, nodes).filter((f) => f.name.value === name);
  });
}
