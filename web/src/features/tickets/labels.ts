// Chinese terms the staff use, for statuses, actions, levels and resource kinds.
import { RESOURCE_KIND_COLOURS, TICKET_STATUS_COLOURS } from '../../map/layers';
import { locale, tr } from '../../i18n';

export const STATUS_LABEL: Record<string, string> = {
  ...Object.fromEntries(TICKET_STATUS_COLOURS.map(([status, label]) => [status, label])),
  CLOSED: tr('已归档'),
  REJECTED: tr('重复件'),
  TRANSFERRED: tr('已转办'),
};

export const ACTION_LABEL: Record<string, string> = {
  ACCEPT: tr('受理'),
  DISPATCH: tr('派单'),
  START: tr('开始处理'),
  RESOLVE: tr('办结'),
  VERIFY_PASS: tr('核查通过'),
  VERIFY_FAIL: tr('核查不通过'),
  FEEDBACK: tr('评价'),
  CLOSE: tr('归档'),
  ESCALATE: tr('上报上级'),
  TRANSFER: tr('转办'),
  SUSPEND: tr('缓办'),
  RESUME: tr('恢复办理'),
  REJECT_DUPLICATE: tr('重复件'),
  REOPEN: tr('重新打开'),
  TAKE: tr('接单'),
  DECLINE: tr('拒单'),
  CLASSIFY: tr('分类'),
  REPORTED: tr('上报'),
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
  COMPOUND: tr('小区'),
  COMMUNITY: tr('社区'),
  STREET: tr('街道'),
  DEPARTMENT: tr('部门'),
};

export const KIND_LABEL: Record<string, string> = Object.fromEntries(
  RESOURCE_KIND_COLOURS.map(([kind, label]) => [kind, label]),
);

/** A share as a whole percentage, or a dash when there is nothing to count. */
export const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

/** "剩余 3.5 小时" or "超期 2 小时" against now; null without a deadline. */
export function countdown(deadline: string | null, now: number): string | null {
  if (!deadline) return null;
  const hours = (new Date(deadline).getTime() - now) / 3_600_000;
  const shown = Math.abs(hours) < 10 ? Math.abs(hours).toFixed(1) : Math.round(Math.abs(hours));
  return hours >= 0 ? tr('剩余 {n} 小时', { n: shown }) : tr('超期 {n} 小时', { n: shown });
}

export const formatTime = (iso: string) =>
  new Date(iso).toLocaleString(locale(), { timeZone: 'Asia/Shanghai', hour12: false });
