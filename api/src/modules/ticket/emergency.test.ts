import { describe, expect, it } from 'vitest';
import { emergencyOf, urgentReport } from './emergency';

describe('emergencyOf', () => {
  it.each([
    ['3号楼楼道里有很浓的煤气味', 'GAS', '119'],
    ['厨房闻到燃气，很刺鼻', 'GAS', '119'],
    ['5栋二楼着火了，有烟', 'FIRE', '119'],
    ['电梯困人，2号楼电梯停在半层', 'LIFT', '119'],
    ['有人被困在电梯里', 'LIFT', '119'],
    ['老人在小区门口摔倒受伤了', 'INJURY', '120'],
    ['楼下有人拿刀吵架，很危险', 'DANGER', '110'],
  ])('%s → %s, call %s', (text, kind, number) => {
    expect(emergencyOf(text)).toEqual({ kind, number });
  });

  it('leaves ordinary matters alone', () => {
    for (const text of ['楼道堆物占用消防通道', '路灯不亮', '电梯故障，按钮不灵', '停车难'])
      expect(emergencyOf(text)).toBeNull();
  });

  it('takes a flagged category when the words say nothing', () => {
    expect(urgentReport('楼道里有异味', '119')).toEqual({ kind: 'CATEGORY', number: '119' });
    expect(urgentReport('楼道里有异味', null)).toBeNull();
    expect(urgentReport('着火了', '110')).toEqual({ kind: 'FIRE', number: '119' });
  });
});
