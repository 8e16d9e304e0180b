// Chinese by default, the staff's own terms; English on request (the top bar's switch, kept in
// localStorage). Text is written in Chinese in the components and looked up here, so a missing
// English entry shows the Chinese rather than nothing. Switching reloads the page.

export type Lang = 'zh' | 'en';
const STORAGE_KEY = 'yitu.lang';

function initialLang(): Lang {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh'; // storage blocked: stay Chinese
  }
}

export const lang: Lang = initialLang();

export function setLang(next: Lang): void {
  localStorage.setItem(STORAGE_KEY, next);
  location.reload();
}

/** The text in the current language, with {name} placeholders filled from params. */
export function tr(zh: string, params: Record<string, string | number> = {}): string {
  const text = lang === 'en' ? (EN[zh] ?? zh) : zh;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** A locale for dates and numbers to match the language. */
export const locale = (): string => (lang === 'en' ? 'en-GB' : 'zh-CN');

export const EN: Record<string, string> = {
  '1 件超期': '1 overdue',
  '{level}级': '{level} level',
  '{n} 件未办结': '{n} open',
  '{n} 公里': '{n} km',
  '{n} 分': '{n} pts',
  '{n} 号楼': 'Building {n}',
  '{n} 米': '{n} m',
  '{time} 可服务': 'available {time}',
  '≥3 件超期': '≥3 overdue',
  '≥{n} 件未办结': '≥{n} open',
  '、': ', ',
  '一图 · 天长市社区治理': 'Yitu · Tianchang',
  三清单: 'three lists',
  上一轮: 'earlier round',
  上报: 'reported',
  上报上级: 'Escalate',
  不确定: 'not sure',
  党员: 'Party member',
  党小组: 'Party group',
  关闭: 'Close',
  分类: 'Classify',
  '分类…': 'Classify…',
  '剩余 {n} 小时': '{n} h left',
  办理过程: 'Timeline',
  办结: 'Resolve',
  办结时限: 'Resolve by',
  办结率: 'Resolution rate',
  区域: 'Area',
  受理: 'Accept',
  可用承接量: 'Free capacity',
  响应时限: 'Respond by',
  图例: 'Legend',
  图层: 'Layers',
  处理中: 'In progress',
  姓名: 'Name',
  '对处理结果满意吗？': 'Are you satisfied with the result?',
  小区: 'Compounds',
  小区着色: 'Colour compounds by',
  尚无评价: 'No ratings yet',
  工单: 'Tickets',
  '工单 {code}': 'Ticket {code}',
  工单号: 'Ticket number',
  '工单：{label}': 'Ticket: {label}',
  已办结: 'Resolved',
  已受理: 'Accepted',
  已归档: 'Closed',
  已拒单: 'declined',
  已接单: 'taken',
  '已收到，谢谢！': 'Received, thank you!',
  已核查: 'Verified',
  已派: 'Sent',
  已派单: 'Dispatched',
  已评价: 'Rated',
  已转办: 'Transferred',
  '平均办理（小时）': 'Mean hours to resolve',
  开始处理: 'Start',
  归档: 'Close',
  '当前状态：': 'Status: ',
  待分类: 'Not classified',
  待受理: 'Reported',
  待接单: 'offered',
  微网格: 'Micro-grid',
  志愿服务队: 'Volunteer team',
  恢复办理: 'Resume',
  '您的评价：{stars}': 'Your rating: {stars}',
  户数: 'Households',
  拒单: 'Declined',
  '按期 {p}%（{n} 件）': 'on time {p}% ({n})',
  按期办结率: 'On-time rate',
  接单: 'Taken',
  推荐资源: 'Ranked resources',
  '推荐：{name}（{p}%）': 'Suggested: {name} ({p}%)',
  提交: 'Send',
  '提交中…': 'Sending…',
  '搜索小区、网格、工单号': 'Search compound, grid, ticket',
  '改分类…': 'Reclassify…',
  '数据加载失败：{error}': 'Could not load: {error}',
  无未办结工单: 'No open tickets',
  无物业: 'No property company',
  无超期: 'None overdue',
  暂无未办结工单: 'No open tickets',
  '服务清单：': 'Services: ',
  服务范围内: 'in service area',
  未办结: 'Open',
  未办结工单: 'Open tickets',
  '未办结工单（{n}）': 'Open tickets ({n})',
  核查不通过: 'Fail check',
  核查通过: 'Pass check',
  楼栋: 'Buildings',
  '正在加载…': 'Loading…',
  '正在加载地图数据…': 'Loading the map…',
  '正在加载工单…': 'Loading the ticket…',
  '正在加载网格…': 'Loading the grid…',
  '正在统计…': 'Counting…',
  '没有可派的资源（能力、负荷或已拒单）': 'No resource to send (capability, load or declined)',
  '没有找到这个小区（{code}）': 'No compound {code}',
  没有结果: 'Nothing found',
  派单: 'Dispatch',
  满意率: 'Satisfaction',
  '满意率 80%': 'Satisfaction 80%',
  '满意率 ≤60%': 'Satisfaction ≤60%',
  '满意率 ≥95%': 'Satisfaction ≥95%',
  '演示数据（虚构）': 'Demo data (made up)',
  '点击小区、网格或工单查看详情': 'Click a compound, grid or ticket for details',
  物业: 'Property company',
  现可服务: 'available now',
  现场照片: 'Photo',
  '照片上传失败：{error}': 'Photo upload failed: {error}',
  '照片（最多 {n} 张）': 'Photos (up to {n})',
  电话: 'Phone',
  社会组织: 'Social organisation',
  社区: 'Communities',
  '社区会尽快处理。用这个专属链接查看进度、评价结果（请保存，勿转发）：':
    'The community will handle it soon. Follow it and rate the result with this private link (keep it, do not share it):',
  社区合伙人: 'Community partner',
  '社区缺口 {n}+': 'Community gap {n}+',
  '社区缺口 ≥{n}': 'Community gap ≥{n}',
  类别: 'Category',
  红色物业: 'Red property company',
  统计: 'Figures',
  综合执法: 'Law enforcement',
  缓办: 'Suspend',
  编码: 'Code',
  缺口: 'Gap',
  '缺口合计：{n}': 'Total gap: {n}',
  网格: 'Grids',
  网格员: 'Grid worker',
  职能部门: 'Department',
  '能力：{list}': 'can do: {list}',
  街道: 'Streets',
  认领责任区: 'claimed zone',
  评价: 'Rate',
  '说明（上报、转办、缓办、核查不通过时必填）':
    'Reason (required to escalate, transfer, suspend or fail a check)',
  '负荷 {load}/{capacity}': 'load {load}/{capacity}',
  资源: 'Resources',
  '资源：{label}': 'Resource: {label}',
  超期: 'Overdue',
  '超期 {n} 小时': '{n} h overdue',
  超期工单: 'Overdue ticket',
  转办: 'Transfer',
  近期无服务时间: 'no hours soon',
  部门: 'Department',
  重复件: 'Duplicate',
  重新打开: 'Reopen',
  问题上报: 'Report a problem',
  问题描述: 'What is wrong',
  需求缺口: 'Demand gap',
  '需求（未办结）': 'Demand (open)',
};
