// Chinese terms the staff use, for statuses, actions, levels and resource kinds.
import { TICKET_STATUS_COLOURS } from '../../map/layers';

export const STATUS_LABEL: Record<string, string> = {
  ...Object.fromEntries(TICKET_STATUS_COLOURS.map(([status, label]) => [status, label])),
  CLOSED: '已归档',
  REJECTED: '重复件',
  TRANSFERRED: '已转办',
};

export const ACTION_LABEL: Record<string, string> = {
  ACCEPT: '受理',
  DISPATCH: '派单',
  START: '开始处理',
  RESOLVE: '办结',
  VERIFY_PASS: '核查通过',
  VERIFY_FAIL: '核查不通过',
  FEEDBACK: '评价',
  CLOSE: '归档',
  ESCALATE: '上报上级',
  TRANSFER: '转办',
  SUSPEND: '缓办',
  RESUME: '恢复办理',
  REJECT_DUPLICATE: '重复件',
  REOPEN: '重新打开',
  TAKE: '接单',
  DECLINE: '拒单',
  CLASSIFY: '分类',
  REPORTED: '上报',
};

/** Actions that need a written reason (the API refuses them without one). */
export const NEEDS_REASON = new Set([
  'ESCALATE',
  'TRANSFER',
  'SUSPEND',
  'VERIFY_FAIL',
  'REJECT_DUPLICATE',
]);

export const LEVEL_LABEL: Record<string, string> = {
  COMPOUND: '小区',
  COMMUNITY: '社区',
  STREET: '街道',
  DEPARTMENT: '部门',
};

export const KIND_LABEL: Record<string, string> = {
  PARTY_MEMBER: '党员',
  VOLUNTEER_TEAM: '志愿服务队',
  SOCIAL_ORG: '社会组织',
  COMMUNITY_PARTNER: '社区合伙人',
  PROPERTY_COMPANY: '物业',
  LAW_ENFORCEMENT: '综合执法',
  DEPARTMENT: '职能部门',
};

/** "剩余 3.5 小时" or "超期 2 小时" against now; null without a deadline. */
export function countdown(deadline: string | null, now: number): string | null {
  if (!deadline) return null;
  const hours = (new Date(deadline).getTime() - now) / 3_600_000;
  const shown = Math.abs(hours) < 10 ? Math.abs(hours).toFixed(1) : Math.round(Math.abs(hours));
  return hours >= 0 ? `剩余 ${shown} 小时` : `超期 ${shown} 小时`;
}

export const formatTime = (iso: string) =>
  new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
