import { describe, expect, it } from 'vitest';
import type { Availability } from '../../db/schema';
import { fieldOfHeader, itemOf, parseSchedule } from './fields';
import { EXPORT_KINDS, exportColumns, RESOURCE_KIND_LABELS, scheduleText } from './export.service';

// What the export writes, the importer reads back as the same thing: each header as its field,
// each resource kind as its kind, each availability as itself.

describe('the export’s columns', () => {
  it.each(EXPORT_KINDS)('read back as their fields in a %s file', (kind) => {
    const { importKind, columns } = exportColumns(kind);
    for (const column of columns)
      expect(fieldOfHeader(column.header, importKind), column.header).toBe(column.field);
    for (const geometry of ['经度', '纬度', 'WKT'])
      expect(fieldOfHeader(geometry, importKind)).toBe(
        { 经度: 'lon', 纬度: 'lat', WKT: 'wkt' }[geometry],
      );
  });

  it('writes each resource kind as a word the importer reads as that kind', () => {
    for (const [kind, label] of Object.entries(RESOURCE_KIND_LABELS)) {
      const item = itemOf('RESOURCE', { at: 'row 2', geometry: null, properties: { 类型: label } });
      expect(item.attrs.kind, label).toBe(kind);
    }
  });

  it('keeps the stored contact when a masked export is imported again, and says so', () => {
    const item = itemOf('RESOURCE', {
      at: 'row 2',
      geometry: null,
      properties: { 编码: 'R1', 名称: '张三', 联系人: '张*', 联系电话: '138****1234' },
    });
    expect(item.attrs.contactName).toBeNull();
    expect(item.attrs.contactPhone).toBeNull();
    expect(item.problems.map((p) => [p.field, p.reason])).toEqual([
      ['联系人', 'MASKED'],
      ['联系电话', 'MASKED'],
    ]);
  });
});

describe('scheduleText', () => {
  const cases: [Availability, string][] = [
    [{ always: true }, '全天'],
    [
      {
        weekly: [1, 2, 3, 4, 5].map((d) => [d, '08:30', '17:30'] as [number, string, string]),
      },
      '周一至周五 08:30-17:30',
    ],
    [
      {
        weekly: [
          [6, '09:00', '17:00'],
          [7, '09:00', '17:00'],
        ],
        monthlyDays: [8, 18, 28],
      },
      '周六至周日 09:00-17:00；每月8、18、28日',
    ],
    [
      {
        weekly: [
          [1, '08:00', '12:00'],
          [1, '14:00', '18:00'],
          [3, '08:00', '12:00'],
        ],
      },
      '周一 08:00-12:00；周一 14:00-18:00；周三 08:00-12:00',
    ],
    [{ monthlyDays: [8] }, '每月8日'],
  ];

  it.each(cases)('writes %j as %s, which parseSchedule reads back to the same', (a, text) => {
    expect(scheduleText(a)).toBe(text);
    expect(parseSchedule(text)).toEqual(a);
  });

  it('writes nothing for no availability', () => {
    expect(scheduleText(null)).toBeNull();
    expect(scheduleText({})).toBeNull();
  });
});
