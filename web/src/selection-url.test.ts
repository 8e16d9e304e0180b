import { describe, expect, it } from 'vitest';
import { readSelection, selectionSearch } from './selection-url';

describe('selection in the URL', () => {
  it.each([
    [{ kind: 'grid', code: '341181001001-G01' }, '?grid=341181001001-G01'],
    [{ kind: 'compound', code: 'C-1' }, '?compound=C-1'],
    [{ kind: 'ticket', id: 'VGlja2V0OjE' }, '?ticket=VGlja2V0OjE'],
    [null, ''],
  ] as const)('writes %j as %s and reads it back', (selection, search) => {
    expect(selectionSearch(selection)).toBe(search);
    expect(readSelection(search)).toEqual(selection);
  });

  it('ignores what it does not know', () => {
    expect(readSelection('?zoom=3')).toBeNull();
  });
});
