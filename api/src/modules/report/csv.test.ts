import { describe, expect, it } from 'vitest';
import { csvFile } from './report.files';

describe('the CSV files', () => {
  it('opens as UTF-8 with Chinese intact, quotes what needs it, and never runs a formula', () => {
    const text = csvFile(
      [
        ['名称', '数量'],
        ['=HYPERLINK("http://x.example","点我")', -3],
        ['@SUM(A1)', 1.5],
        ['幸福苑, 3号楼', 0],
      ],
      [['合计', 2]],
    ).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe('名称,数量');
    expect(lines[1]!.startsWith('"\'=HYPERLINK(')).toBe(true);
    expect(lines[1]!.endsWith(',-3')).toBe(true);
    expect(lines[2]).toBe("'@SUM(A1),1.5");
    expect(lines[3]).toBe('"幸福苑, 3号楼",0');
    expect(lines.slice(4)).toEqual(['', '合计,2', '']);
  });
});
