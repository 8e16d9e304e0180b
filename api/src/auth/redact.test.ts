import { describe, expect, it } from 'vitest';
import { redact } from './audit';

describe('what the audit log keeps of arguments', () => {
  it('keeps a registering party member’s name, phone and work unit out, and a note’s text', () => {
    const kept = JSON.stringify(
      redact(
        {
          input: {
            communityCode: 'FX-P',
            name: '王小明',
            unit: '市供电公司',
            phone: '13812345678',
            skills: ['REPAIR'],
          },
          note: '已修好，电话13812345678',
        },
        0,
        true,
      ),
    );
    for (const personal of ['王小明', '市供电公司', '13812345678'])
      expect(kept).not.toContain(personal);
    expect(kept).toContain('FX-P');
    expect(kept).toContain('REPAIR');
  });

  it('keeps a place’s name, which is not personal', () => {
    expect(JSON.stringify(redact({ input: { name: '幸福苑', code: 'C1' } }))).toContain('幸福苑');
  });
});
