// The closed loop's main path (五步闭环: collect → classify → dispatch → handle → feedback), in
// order. The full transition table arrives with the ticket state machine; this order is shared
// by the demo generator and, later, by the machine.
export const MAIN_PATH = [
  'REPORTED',
  'ACCEPTED',
  'DISPATCHED',
  'IN_PROGRESS',
  'RESOLVED',
  'VERIFIED',
  'FEEDBACK',
  'CLOSED',
] as const;

/** Statuses off the main path. */
export const SIDE_STATUSES = ['SUSPENDED', 'TRANSFERRED', 'REJECTED'] as const;

export const TICKET_STATUSES = [...MAIN_PATH, ...SIDE_STATUSES] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Each status as staff and residents read it: the one Chinese name the API writes anywhere. */
export const STATUS_ZH: Record<TicketStatus, string> = {
  REPORTED: '待受理',
  ACCEPTED: '已受理',
  DISPATCHED: '已派单',
  IN_PROGRESS: '处理中',
  SUSPENDED: '已缓办',
  RESOLVED: '已办结',
  VERIFIED: '已核查',
  FEEDBACK: '已评价',
  CLOSED: '已归档',
  REJECTED: '重复件',
  TRANSFERRED: '已转办',
};

/** The levels a ticket climbs (小事不出院落), in Chinese. */
export const LEVEL_ZH: Record<string, string> = {
  COMPOUND: '小区',
  COMMUNITY: '社区',
  STREET: '街道',
  DEPARTMENT: '职能部门',
};
