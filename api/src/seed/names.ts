import type { Rng } from './random';

// Word pools for plausible, clearly invented Chinese names and ticket texts.

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷';
const GIVEN =
  '伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红建国文斌志明海燕慧琴云飞鹏辉凤宁波婷雪梅晨阳浩宇欣怡子涵佳琪思远家豪';

export function personName(rng: Rng): string {
  const given = rng.chance(0.6)
    ? rng.pick([...GIVEN]) + rng.pick([...GIVEN])
    : rng.pick([...GIVEN]);
  return rng.pick([...SURNAMES]) + given;
}

export function mobilePhone(rng: Rng): string {
  const prefix = rng.pick([
    '133',
    '135',
    '136',
    '138',
    '139',
    '150',
    '151',
    '155',
    '158',
    '177',
    '180',
    '186',
    '189',
    '199',
  ]);
  return prefix + String(rng.int(0, 99_999_999)).padStart(8, '0');
}

export const STREET_NAMES = ['广陵街道', '千秋街道'] as const;

export const COMMUNITY_NAMES = [
  '东园',
  '西苑',
  '南湖',
  '北门',
  '文化',
  '健康',
  '和平',
  '幸福',
  '康乐',
  '团结',
  '长青',
  '红旗',
  '建设',
  '永安',
  '新华',
  '胜利',
  '花园',
  '金桥',
  '滨河',
  '秀水',
  '朝阳',
].map((n) => `${n}社区`);

const COMPOUND_FIRST = '金银锦绣翠碧华丰瑞祥和康宁福泰安盛兴隆嘉禾汇景怡馨御凤龙春秋丹桂';
const COMPOUND_SECOND = '桂苑园庭湾城府邸轩阁湖岸林居苑景';
const COMPOUND_SUFFIX = ['小区', '花园', '新村', '家园', '公寓', '雅苑', '名邸'];
const WORK_UNITS = [
  '供电局',
  '粮食局',
  '税务局',
  '纺织厂',
  '化肥厂',
  '电机厂',
  '交通局',
  '教育局',
  '医院',
];

export function compoundName(rng: Rng, oldEstate: boolean, used: Set<string>): string {
  for (;;) {
    const name =
      oldEstate && rng.chance(0.5)
        ? `${rng.pick(WORK_UNITS)}宿舍${rng.chance(0.3) ? rng.pick(['一区', '二区', '东院', '西院']) : ''}`
        : rng.pick([...COMPOUND_FIRST]) +
          rng.pick([...COMPOUND_SECOND]) +
          rng.pick(COMPOUND_SUFFIX);
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
}

export const PROPERTY_COMPANY_STEMS = [
  '天长华宇',
  '皖东恒信',
  '广陵安居',
  '千秋宜家',
  '金鼎',
  '绿城佳苑',
  '万和',
  '长安',
  '瑞丰',
  '康居',
  '鸿运',
  '碧水',
  '祥泰',
  '润泽',
  '嘉诚',
  '明珠',
  '泰和',
  '天禾',
  '安泰',
  '融信',
];

export const PARTNER_KINDS: { name: string; capabilities: string[] }[] = [
  { name: '便民超市', capabilities: ['meal_delivery'] },
  { name: '大药房', capabilities: ['elderly_care'] },
  { name: '家电维修部', capabilities: ['repair', 'electrical'] },
  { name: '水电维修店', capabilities: ['repair', 'electrical', 'utilities'] },
  { name: '保洁服务公司', capabilities: ['cleaning'] },
  { name: '爱心餐厅', capabilities: ['meal_delivery', 'elderly_care'] },
  { name: '园林绿化公司', capabilities: ['greening'] },
  { name: '开锁换锁店', capabilities: ['repair'] },
  { name: '律师事务所', capabilities: ['mediation', 'policy_advice'] },
  { name: '电动车充电服务站', capabilities: ['electrical'] },
  { name: '停车管理公司', capabilities: ['parking_management'] },
  { name: '宠物医院', capabilities: ['animal_control'] },
  { name: '燃气服务站', capabilities: ['utilities'] },
  { name: '供电服务站', capabilities: ['utilities', 'electrical'] },
  { name: '防水补漏公司', capabilities: ['repair'] },
  { name: '社区诊所', capabilities: ['elderly_care'] },
  { name: '物流驿站', capabilities: ['meal_delivery'] },
];

export const SOCIAL_ORG_KINDS: { name: string; capabilities: string[] }[] = [
  { name: '颐养助老服务中心', capabilities: ['elderly_care', 'meal_delivery'] },
  { name: '邻里调解工作室', capabilities: ['mediation'] },
  { name: '阳光助残协会', capabilities: ['elderly_care'] },
  { name: '青少年成长服务社', capabilities: ['policy_advice'] },
  { name: '社工服务站', capabilities: ['elderly_care', 'policy_advice', 'mediation'] },
  { name: '老年协会', capabilities: ['elderly_care', 'mediation'] },
  { name: '红十字救护队', capabilities: ['elderly_care', 'fire_safety'] },
];

export const DEPARTMENTS: { name: string; capabilities: string[] }[] = [
  { name: '天长市公安局城区派出所', capabilities: ['police', 'security_patrol'] },
  {
    name: '天长市城市管理局',
    capabilities: ['law_enforcement', 'parking_management', 'sanitation_enforcement', 'greening'],
  },
  { name: '天长市市场监督管理局', capabilities: ['law_enforcement'] },
  { name: '天长市住房和城乡建设局', capabilities: ['property_management', 'repair'] },
  { name: '天长市消防救援大队', capabilities: ['fire_safety'] },
  { name: '国网天长市供电公司', capabilities: ['utilities', 'electrical'] },
];

export const PARTY_MEMBER_SKILLS = [
  'repair',
  'cleaning',
  'elderly_care',
  'mediation',
  'policy_advice',
  'security_patrol',
  'greening',
  'parking_management',
  'electrical',
  'meal_delivery',
  'fire_safety',
];

// Ticket texts by category code; {b} building, {u} unit, {c} compound.
export const TICKET_TEXTS: Record<string, string[]> = {
  PARKING: [
    '{c}小区门口车辆乱停乱放，早上出行堵得走不了，希望管一管。',
    '{b}号楼下的车位长期被外来车辆占用，业主回来没地方停车。',
    '小区停车难问题严重，晚上车都停到消防通道边上了，能否规划一些车位？',
  ],
  FIRE_LANE: [
    '{b}号楼旁边的消防通道被私家车堵死了，万一着火消防车进不来。',
    '{b}号楼{u}单元楼道堆满杂物和纸箱，存在消防隐患。',
    '小区消防栓损坏漏水，已经好几天没人修。',
  ],
  ILLEGAL_WIRING: [
    '{b}号楼有住户从窗户飞线给电动车充电，电线垂到一楼，很危险。',
    '{b}号楼{u}单元楼道里有人推电动车进楼充电，晚上也不拔。',
    '车棚附近私拉电线，雨天漏电，请尽快处理。',
  ],
  FACILITY_REPAIR: [
    '{b}号楼顶楼屋顶漏水，下雨天家里墙面全湿了。',
    '小区路灯坏了一个多月，晚上老人出门看不清路。',
    '{b}号楼{u}单元下水管老化破裂，污水往外冒。',
    '小区健身器材损坏，螺丝松动，小孩玩耍有危险。',
    '{b}号楼电梯经常故障停运，老人上下楼很困难。',
  ],
  SANITATION: [
    '{b}号楼旁边垃圾桶满了好几天没人清运，气味很大。',
    '小区角落有卫生死角，蚊蝇很多，希望安排清理。',
    '{b}号楼化粪池外溢，污水流到路面上。',
  ],
  GREENING: [
    '{b}号楼前面的绿化带被人毁绿种菜，还泼洒粪水。',
    '小区树木长得太高遮挡了{b}号楼低层住户的采光。',
    '小区草坪大面积枯死，长期无人管护。',
  ],
  NOISE: [
    '晚上广场舞音响声音太大，一直到十点多，影响休息。',
    '附近工地夜间施工噪音扰民，凌晨还在打桩。',
    '{b}号楼{u}单元有住户装修，周末一大早就开始电钻。',
  ],
  NEIGHBOR_DISPUTE: [
    '楼上住户家里漏水渗到我家天花板，协商不成，请社区调解。',
    '{b}号楼邻居长期占用楼道公共区域堆放物品，沟通无果。',
    '邻居家狗经常半夜叫，多次沟通没有改善，希望调解。',
  ],
  PROPERTY_SERVICE: [
    '物业对报修一直拖着不处理，打电话也没人接。',
    '对今年物业费上涨有异议，希望公开收支明细。',
    '小区门禁坏了很久，外来人员随意进出。',
  ],
  ILLEGAL_CONSTRUCTION: [
    '{b}号楼顶楼住户在楼顶私自搭建彩钢房。',
    '一楼住户占用公共绿地私搭乱建小院。',
    '小区内有人违规搭建车棚出租。',
  ],
  ELDERLY_CARE: [
    '{b}号楼{u}单元有位独居老人，行动不便，吃饭成问题，希望能安排助餐。',
    '家里老人八十多岁，子女在外地，希望社区能定期上门探访。',
    '想了解社区老年食堂怎么办理助餐卡。',
  ],
  POLICY_CONSULT: [
    '想咨询一下城乡居民医保怎么续缴。',
    '家庭情况困难，想了解低保申请需要哪些材料。',
    '灵活就业人员社保缴费的政策想咨询一下。',
  ],
  PUBLIC_SECURITY: [
    '小区最近有可疑人员在楼道里转悠，挨家挨户敲门。',
    '{b}号楼下的电动车被盗了，监控也是坏的。',
    '小区大门口监控损坏，希望尽快修复。',
  ],
  UTILITIES: [
    '{b}号楼突然停电，已经两个小时了还没来电。',
    '小区停水，也没有提前通知。',
    '{b}号楼{u}单元楼道里有燃气异味，担心泄漏。',
  ],
  PETS: [
    '小区里有人遛狗不拴绳，吓到小孩了。',
    '小区里流浪狗越来越多，晚上成群结队。',
    '{b}号楼前宠物粪便没人清理，很不卫生。',
  ],
  OTHER: ['希望小区能增设一些休息座椅。', '小区公告栏信息太旧了，希望更新。'],
};

export function ticketText(
  rng: Rng,
  categoryCode: string,
  compound: string,
  building: string,
): string {
  const templates = TICKET_TEXTS[categoryCode] ?? TICKET_TEXTS.OTHER!;
  return rng
    .pick(templates)
    .replaceAll('{c}', compound.replace(/(小区|花园|新村|家园|公寓|雅苑|名邸)$/, ''))
    .replaceAll('{b}', building)
    .replaceAll('{u}', String(rng.int(1, 4)));
}
