// Domain phrases that add a fixed boost to a category's log score (see TrainOptions.keywords).
// Each phrase must occur in a training text of its category or in that category's entry of the
// taxonomy (seed categories.json); a test checks this, so held-out wording cannot leak in here.
// Prefer phrases that are specific: 井盖 contains 盖 and 车棚 contains 棚, so neither single
// character is a keyword for ILLEGAL_CONSTRUCTION.
const words = (list: string): readonly string[] => list.split(' ');

export const DEFAULT_KEYWORDS: Record<string, readonly string[]> = {
  PARKING: words('停车 车位 乱停 挪车 僵尸车 地锁 停车场'),
  FIRE_LANE: words('消防 灭火器 安全出口 疏散 堆物 杂物 防火 烟感 易燃'),
  ILLEGAL_WIRING: words('飞线 私拉 乱接 私接 电线 插线板 插排 充电 电瓶 偷接'),
  FACILITY_REPAIR: words('维修 损坏 路灯 电梯 健身器材 屋顶漏水 渗水 老化 井盖 台阶 扶手 防水'),
  SANITATION: words('垃圾 卫生 清运 化粪池 污水 臭 苍蝇 老鼠 蟑螂 打扫 消杀'),
  GREENING: words('绿化 绿地 草坪 草皮 树 修剪 种菜 花坛 灌木 杂草'),
  NOISE: words('噪音 太吵 吵死 很吵 扰民 广场舞 音响 喇叭 施工 装修 声音 睡不着'),
  NEIGHBOR_DISPUTE: words(
    '邻居 楼上漏水 渗到我家 隔壁 对门 吵起来 吵架 调解 纠纷 矛盾 赔 协商 不承认',
  ),
  PROPERTY_SERVICE: words('物业 物业费 门禁 业委会 业主 保安 维修基金 收费'),
  ILLEGAL_CONSTRUCTION: words('违建 违章 搭建 加盖 私搭 扩建 棚子 阳光房 彩钢 砌 加层 盖房 盖了'),
  ELDERLY_CARE: words(
    '老人 独居 空巢 孤寡 助餐 送餐 探访 照料 照护 护理 陪诊 老年 奶奶 老太太 爷爷',
  ),
  POLICY_CONSULT: words('政策 咨询 申请 办理 补贴 医保 社保 低保 报销 手续 材料 缴费 救助'),
  PUBLIC_SECURITY: words('偷 被盗 失窃 可疑 监控 摄像头 诈骗 骗 冒充 撬 打架 巡逻 高空抛物 陌生人'),
  UTILITIES: words(
    '停电 停水 燃气 天然气 煤气 暖气 供暖 水压 电压 电费 水费 电表 水表 跳闸 来电 漏气 自来水 供电',
  ),
  PETS: words('狗 犬 猫 宠物 遛狗 拴绳 流浪 鸽子'),
  OTHER: words('活动 志愿 感谢 报名 开放 点个赞 好评 捡到'),
};
