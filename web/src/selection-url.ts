import type { Selection } from './map/map-adapter';

// The selection in the query string: ?compound=CODE, ?grid=CODE or ?ticket=ID; the map keeps
// its position in the hash (#map=zoom/lat/lon).

export function readSelection(search: string): Selection {
  const q = new URLSearchParams(search);
  const ticket = q.get('ticket');
  if (ticket) return { kind: 'ticket', id: ticket };
  const grid = q.get('grid');
  if (grid) return { kind: 'grid', code: grid };
  const compound = q.get('compound');
  if (compound) return { kind: 'compound', code: compound };
  return null;
}

export function selectionSearch(selection: Selection): string {
  if (!selection) return '';
  const q = new URLSearchParams(
    selection.kind === 'ticket' ? { ticket: selection.id } : { [selection.kind]: selection.code },
  );
  return `?${q.toString()}`;
}

/** Keeps the map's own part of the URL (#map=zoom/lat/lon) as it is. */
export function writeSelection(selection: Selection): void {
  history.replaceState(
    null,
    '',
    `${location.pathname}${selectionSearch(selection)}${location.hash}`,
  );
}
