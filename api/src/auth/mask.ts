// How personal data looks to a role that may see it exists but not what it is.

/** 13812341234 → 138****1234; anything shorter than 8 characters is hidden entirely. */
export function maskPhone(phone: string): string {
  const digits = phone.trim();
  if (digits.length < 8) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

// a mainland mobile, or a landline with its area code, written into free text
const PHONE_IN_TEXT = /(?<!\d)1\d{10}(?!\d)|(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)/g;

/** Phones written into text masked as maskPhone does (0551-****5678 for a landline). */
export const maskPhonesInText = (text: string): string =>
  text.replace(PHONE_IN_TEXT, (phone, area?: string, last?: string) =>
    area ? `${area}****${last}` : maskPhone(phone),
  );

/** 张三丰 → 张**: enough to greet, not to identify. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}
