// assessment.ts reaches type-graphql's decorators through graphql/filter (regionAndBelow)
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { changesBetween, rankUnits, type Assessment } from './assessment';

const unit = (
  code: string,
  closed: number,
  onTimeRate: number | null,
  satisfactionRate: number | null,
) => ({
  code,
  name: code,
  received: closed,
  closed,
  resolutionRate: onTimeRate,
  onTimeRate,
  satisfactionRate,
});

describe('rankings of the monthly assessment', () => {
  it('ranks by on-time rate, then satisfaction, then closed, then code; too few closed: 样本不足', () => {
    const ranked = rankUnits(
      [
        unit('C4', 2, 1, 1), // too few closed, however good
        unit('C3', 10, 0.9, 0.8),
        unit('C2', 12, 0.9, 0.8), // ties with C3 on both rates: more closed first
        unit('C1', 8, 0.9, 0.95),
        unit('C5', 6, 0.5, null),
        unit('C0', 10, 0.9, 0.8), // ties with C3 on everything: code order
      ],
      5,
    );
    expect(ranked.map((u) => [u.code, u.rank, u.note])).toEqual([
      ['C1', 1, null],
      ['C2', 2, null],
      ['C0', 3, null],
      ['C3', 4, null],
      ['C5', 5, null],
      ['C4', null, '样本不足'],
    ]);
  });
});

describe('what changed between kept versions', () => {
  const base = {
    unit: { code: 'S1', name: '街道', level: 'STREET' },
    period: { label: '2026-10', from: 'a', to: 'b' },
    generatedAt: '2026-11-01T00:00:00Z',
    minClosed: 5,
    tieBreak: 'x',
    indicators: [
      {
        key: 'onTimeRate',
        name: '按期办结率',
        formula: 'f',
        unit: '%',
        current: 0.5,
        previous: null,
        lastYear: 1,
      },
    ],
    rankings: [],
    categoriesGrown: [],
    overdue: [
      {
        code: 'T7',
        category: null,
        compound: null,
        level: 'COMPOUND',
        owner: 'a',
        resolveBy: 'r',
        hoursOverdue: 6,
      },
    ],
  } satisfies Assessment;

  it('names each changed value by its row, not its position, and ignores when it was generated', () => {
    const later: Assessment = {
      ...base,
      generatedAt: '2026-11-05T00:00:00Z',
      indicators: [{ ...base.indicators[0]!, current: 0.75 }],
      overdue: [],
    };
    expect(changesBetween(base, later)).toEqual([
      { path: 'indicators[onTimeRate].current', before: '0.5', after: '0.75' },
      { path: 'overdue[T7].category', before: 'null', after: null },
      { path: 'overdue[T7].code', before: 'T7', after: null },
      { path: 'overdue[T7].compound', before: 'null', after: null },
      { path: 'overdue[T7].hoursOverdue', before: '6', after: null },
      { path: 'overdue[T7].level', before: 'COMPOUND', after: null },
      { path: 'overdue[T7].owner', before: 'a', after: null },
      { path: 'overdue[T7].resolveBy', before: 'r', after: null },
    ]);
    expect(changesBetween(base, { ...base, generatedAt: 'later' })).toEqual([]);
  });
});
