import { describe, expect, it } from 'vitest';
import { maskName, maskPhone, maskPhonesInText } from './mask';

describe('masking personal data', () => {
  it('keeps the first three and last four digits of a phone number', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone(' 0550-7012345 ')).toBe('055****2345');
  });
  it('hides a short number entirely', () => {
    expect(maskPhone('1234567')).toBe('****');
  });
  it('masks the phones written into text, mobiles and landlines, and leaves other numbers', () => {
    expect(maskPhonesInText('3号楼漏水，请打 13912345678 或 0551-62345678，门牌 1201')).toBe(
      '3号楼漏水，请打 139****5678 或 0551-****5678，门牌 1201',
    );
  });
  it('keeps only the first character of a name', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('李')).toBe('李*');
    expect(maskName('')).toBe('');
  });
});
