// Emergencies are not tickets (紧急情况): a gas smell, a fire, someone trapped in a lift, hurt or
// in danger must be told at once to call 119/110/120. The report is still filed, marked urgent
// with a one-hour deadline. Pure: the rules are phrases, checked before anything is sent.

export type EmergencyKind = 'GAS' | 'FIRE' | 'LIFT' | 'INJURY' | 'DANGER' | 'CATEGORY';
export type EmergencyNumber = '110' | '119' | '120';

export interface Emergency {
  kind: EmergencyKind;
  /** The number to call now. */
  number: EmergencyNumber;
}

/** Clock hours (not working hours: a gas leak does not wait for Monday) to respond by. */
export const URGENT_RESPOND_HOURS = 1;

// Earlier rules win: a fire with someone hurt is first a fire (119 sends an ambulance too).
const RULES: {
  kind: Exclude<EmergencyKind, 'CATEGORY'>;
  number: EmergencyNumber;
  words: RegExp;
}[] = [
  {
    kind: 'GAS',
    number: '119',
    words:
      /煤气味|燃气味|燃气泄漏|煤气泄漏|天然气泄漏|漏气.*(味|闻)|(闻到|有).{0,3}(煤气|燃气|天然气)/,
  },
  { kind: 'FIRE', number: '119', words: /着火|火灾|起火|失火|冒烟|火苗|烧起来/ },
  {
    kind: 'LIFT',
    number: '119',
    words: /电梯困人|困在电梯|电梯.{0,4}(被困|困住|关在)|被困.{0,4}电梯/,
  },
  {
    kind: 'INJURY',
    number: '120',
    words: /受伤|流血|晕倒|昏迷|摔倒.{0,4}(起不来|不动)|心脏病|急救|没有呼吸/,
  },
  { kind: 'DANGER', number: '110', words: /危险|持刀|拿刀|打人|家暴|抢劫|要跳楼|轻生|砍人/ },
];

/** The emergency a description reads as, or null. Negations (没有着火) are not parsed: when in
 * doubt the resident is shown a number, which costs little. */
export function emergencyOf(description: string): Emergency | null {
  const text = description.normalize('NFKC');
  for (const rule of RULES)
    if (rule.words.test(text)) return { kind: rule.kind, number: rule.number };
  return null;
}

/** A report is urgent by its words or by its category's flag (categories.emergency_number). */
export function urgentReport(
  description: string,
  categoryNumber: string | null | undefined,
): Emergency | null {
  const found = emergencyOf(description);
  if (found) return found;
  return categoryNumber ? { kind: 'CATEGORY', number: categoryNumber as EmergencyNumber } : null;
}
