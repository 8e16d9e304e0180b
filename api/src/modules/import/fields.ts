import type { GeoJSONGeometry, SourceRecord } from './read';

// Columns as offices name them (Chinese or English, with or without units) → Yitu's fields,
// per kind of place or person. Values are read leniently where the meaning is plain (full-width
// digits, 是/否, "8、18、28日") and every reading that guessed is reported as a warning.

export const IMPORT_KINDS = [
  'REGION',
  'COMPOUND',
  'GRID',
  'BUILDING',
  'PROPERTY_COMPANY',
  'RESOURCE',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface Problem {
  severity: 'ERROR' | 'WARNING';
  /** The column or part at fault: "编码", "geometry", "所属社区". */
  field: string;
  reason: string;
  message: string;
}

export interface ImportItem {
  at: string;
  /** The key the import upserts by; a building's is "<compound code>/<number>". */
  code: string | null;
  name: string | null;
  /** The place it belongs to: a region's parent region, a compound's or grid's community, a
   * micro-grid's grid, a building's compound, a resource's community. */
  parentCode: string | null;
  geometry: GeoJSONGeometry | null;
  /** A table's geometry written as WKT, parsed by PostGIS. */
  wkt: string | null;
  /** A table row without coordinates: the compound or building (code or name) it stands in. */
  placeBy: string | null;
  attrs: Record<string, unknown>;
  problems: Problem[];
}

// Header spellings, compared after normalising (full-width → ASCII, lower case, no spaces,
// underscores or brackets): the first field a header matches wins.
const ALIASES: Record<string, string[]> = {
  code: ['code', '编码', '代码', '编号', 'id', 'bm'],
  name: ['name', '名称', '名字', '姓名', 'mc'],
  level: ['level', '级别', '层级', '类型级别'],
  parent: [
    'parent',
    'parentcode',
    '上级',
    '上级编码',
    '所属街道',
    '所属街道编码',
    '街道编码',
    '上级网格',
    '所属网格',
    '所属网格编码',
    'parentgrid',
  ],
  community: ['community', 'communitycode', '所属社区', '所属社区编码', '社区', '社区编码'],
  compound: [
    'compound',
    'compoundcode',
    '所属小区',
    '所属小区编码',
    '小区',
    '小区编码',
    '所属院落',
    '院落',
  ],
  building: ['building', 'buildingcode', '楼栋', '楼栋编码', '所属楼栋'],
  number: ['number', '楼号', '楼栋号', '栋号'],
  floors: ['floors', '层数', '楼层', '楼层数'],
  households: ['households', '户数', '住户数', '总户数'],
  yearBuilt: ['yearbuilt', '建成年份', '建成年代', '建成时间', '建设年代'],
  propertyCompany: ['propertycompany', '物业公司', '物业公司编码', '物业'],
  tags: ['tags', '标签', '小区类型', '类型标签'],
  kinds: ['kinds', '网格类型', '网格类别'],
  phone: ['phone', 'tel', '电话', '联系电话', '手机', '联系方式'],
  contactName: ['contact', 'contactname', '联系人', '负责人'],
  redProperty: ['redproperty', 'haspartybranch', '红色物业', '党支部', '是否红色物业', '有党支部'],
  resourceKind: ['kind', 'type', '类型', '类别', '资源类型'],
  capabilities: ['capabilities', 'skills', '能力', '技能', '服务能力', '特长', '服务内容'],
  capacity: ['capacity', '容量', '可承接', '可承接数'],
  schedule: ['schedule', 'availability', '服务时间', '可服务时间', '时间'],
  mayDecline: ['maydecline', '可拒单', '可拒绝'],
  claims: ['claims', 'zone', '认领', '认领网格', '认领小区', '责任区', '认领责任区'],
  lon: ['lon', 'lng', 'long', 'longitude', 'x', '经度', 'jd'],
  lat: ['lat', 'latitude', 'y', '纬度', 'wd'],
  wkt: ['wkt', 'geometry', 'geom', 'shape', '几何', '坐标', '范围', '边界'],
};

// a file repeats its few headers on every record: each is normalised once
const NORMALISED = new Map<string, string>();
const normaliseHeader = (h: string) => {
  let n = NORMALISED.get(h);
  if (n === undefined) {
    n = h
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[\s_()（）[\]【】\-:：]/g, '')
      .replace(/\(.*\)$/, '');
    if (NORMALISED.size < 10_000) NORMALISED.set(h, n);
  }
  return n;
};

const HEADER_INDEX = new Map<string, string>();
for (const [field, names] of Object.entries(ALIASES))
  for (const n of names)
    if (!HEADER_INDEX.has(normaliseHeader(n))) HEADER_INDEX.set(normaliseHeader(n), field);

// "小区编码" in a compounds file is the compound's own code, in a buildings file its compound's.
const OWN_NOUNS: Record<ImportKind, string[]> = {
  REGION: ['社区', '街道', '区域', '行政区'],
  COMPOUND: ['小区', '院落'],
  GRID: ['网格', '微网格'],
  BUILDING: ['楼栋'],
  PROPERTY_COMPANY: ['物业公司', '公司', '物业'],
  RESOURCE: ['资源', '队伍', '组织', '党员'],
};

/** Which Yitu field a column header means in a file of `kind`, or undefined. */
export function fieldOfHeader(header: string, kind?: ImportKind) {
  const h = normaliseHeader(header);
  for (const noun of kind ? OWN_NOUNS[kind] : []) {
    if (!h.startsWith(noun)) continue;
    const rest = h.slice(noun.length);
    if (['编码', '代码', '编号', 'code'].includes(rest)) return 'code';
    if (['名称', '名字', '姓名', 'name'].includes(rest)) return 'name';
  }
  return HEADER_INDEX.get(h);
}

const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/;

// Codes and the codes or names of what a row belongs to; every other text but a WKT shape
const KEY_FIELDS = new Set([
  'code',
  'parent',
  'community',
  'compound',
  'building',
  'number',
  'propertyCompany',
]);
const MAX_CODE = 100;
const MAX_TEXT = 1_000;

const RESOURCE_KIND_WORDS: [RegExp, string][] = [
  [/party.?member|党员|双报到/i, 'PARTY_MEMBER'],
  [/volunteer|志愿/i, 'VOLUNTEER_TEAM'],
  [/social.?org|社会组织/i, 'SOCIAL_ORG'],
  [/partner|合伙人/i, 'COMMUNITY_PARTNER'],
  [/property|物业/i, 'PROPERTY_COMPANY'],
  [/law|执法/i, 'LAW_ENFORCEMENT'],
  [/department|部门|局|委/i, 'DEPARTMENT'],
];

// Capabilities as resource lists write them → the taxonomy's codes (categories.json); a word not
// here is kept as written and reported if no category asks for it
const CAPABILITY_WORDS: [RegExp, string][] = [
  [/调解|纠纷/, 'mediation'],
  [/政策|宣传|咨询/, 'policy_advice'],
  [/卫生|保洁|清扫|垃圾/, 'cleaning'],
  [/助老|养老|为老|照护|照料/, 'elderly_care'],
  [/送餐|助餐|餐/, 'meal_delivery'],
  [/电工|电路|电气/, 'electrical'],
  [/维修|修理|修缮/, 'repair'],
  [/消防/, 'fire_safety'],
  [/绿化|园林/, 'greening'],
  [/执法|城管/, 'law_enforcement'],
  [/停车/, 'parking_management'],
  [/巡逻|治安|安保/, 'security_patrol'],
  [/物业/, 'property_management'],
  [/水电|供水|供电|燃气|供暖/, 'utilities'],
  [/动物|犬/, 'animal_control'],
  [/警/, 'police'],
];
const capabilityOf = (word: string) =>
  /^[a-z_]+$/.test(word) ? word : (CAPABILITY_WORDS.find(([re]) => re.test(word))?.[1] ?? word);

const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };

/**
 * "周一至周五 9:00-17:00；周六 9:00-12:00", "每月8、18、28日", "全天": the availability Yitu's
 * matching reads. Undefined when the text says none of these.
 */
export function parseSchedule(
  text: string,
): { always?: boolean; weekly?: [number, string, string][]; monthlyDays?: number[] } | undefined {
  const t = text.normalize('NFKC').replace(/\s+/g, ' ').trim();
  if (/^(全天|24小时|随时|always|24\/7)$/i.test(t)) return { always: true };
  const weekly: [number, string, string][] = [];
  const pad = (hm: string) => hm.padStart(5, '0');
  const re =
    /周([一二三四五六日天])(?:\s*[至到~-]\s*周?([一二三四五六日天]))?\s*(\d{1,2}:\d{2})\s*[-~至到]\s*(\d{1,2}:\d{2})/g;
  for (const m of t.matchAll(re)) {
    const from = WEEKDAY[m[1]!]!;
    const to = m[2] ? WEEKDAY[m[2]]! : from;
    for (let d = from; d <= to; d++) weekly.push([d, pad(m[3]!), pad(m[4]!)]);
  }
  const monthly = /每月\s*([\d、,，\s]+)\s*[日号]/.exec(t);
  const monthlyDays = monthly
    ? monthly[1]!
        .split(/[、,，\s]+/)
        .filter(Boolean)
        .map(Number)
        .filter((d) => d >= 1 && d <= 31)
    : [];
  if (weekly.length === 0 && monthlyDays.length === 0) return undefined;
  return {
    ...(weekly.length ? { weekly } : {}),
    ...(monthlyDays.length ? { monthlyDays } : {}),
  };
}

const list = (v: string) =>
  v
    .split(/[、,，;；|/\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const YES = /^(是|有|y|yes|true|1|√)$/i;
const NO = /^(否|无|n|no|false|0|×)$/i;

/** One record's values by field, and the problems of reading them. */
class Reading {
  readonly problems: Problem[] = [];
  readonly values = new Map<string, { header: string; text: string }>();
  constructor(private readonly at: string) {}

  text(field: string) {
    return this.values.get(field)?.text ?? null;
  }

  number(field: string, options: { integer?: boolean; min?: number } = {}) {
    const v = this.values.get(field);
    if (!v) return undefined;
    const n = Number(v.text.replace(/,/g, ''));
    if (
      !Number.isFinite(n) ||
      (options.integer && !Number.isInteger(n)) ||
      n < (options.min ?? -Infinity)
    ) {
      this.problems.push({
        severity: 'ERROR',
        field: v.header,
        reason: 'NOT_A_NUMBER',
        message: `${this.at}: ${v.header} "${v.text}" is not ${options.integer ? 'a whole number' : 'a number'}${options.min !== undefined ? ` ≥ ${options.min}` : ''}`,
      });
      return undefined;
    }
    return n;
  }

  yesNo(field: string) {
    const v = this.values.get(field);
    if (!v) return undefined;
    if (YES.test(v.text)) return true;
    if (NO.test(v.text)) return false;
    this.problems.push({
      severity: 'ERROR',
      field: v.header,
      reason: 'NOT_YES_NO',
      message: `${this.at}: ${v.header} "${v.text}" is neither 是 nor 否`,
    });
    return undefined;
  }

  /** A masked export (138****1234, 张**) imported again keeps the values already stored. */
  unmasked(field: string) {
    const v = this.values.get(field);
    if (!v || !/\*{2,}|^.\*+$/u.test(v.text)) return this.text(field);
    this.problems.push({
      severity: 'WARNING',
      field: v.header,
      reason: 'MASKED',
      message: `${this.at}: ${v.header} "${v.text}" was masked when it was exported: the value already stored is kept`,
    });
    return null;
  }
}

/** One source record → the fields of one item of `kind`, with the problems of reading them. */
export function itemOf(kind: ImportKind, record: SourceRecord): ImportItem {
  const reading = new Reading(record.at);
  const { problems, values } = reading;
  const headers = Object.keys(record.properties);
  // a communities table with both 社区编码 and 街道编码: the row is the community, the street its parent
  const communityRows =
    kind === 'REGION' && headers.some((h) => normaliseHeader(h).startsWith('社区编码'));
  for (const [header, raw] of Object.entries(record.properties)) {
    const own = fieldOfHeader(header, kind);
    const field =
      communityRows && normaliseHeader(header).startsWith('街道') && own === 'code'
        ? 'parent'
        : own;
    if (!field || values.has(field) || raw == null) continue;
    let text = String(raw).trim();
    if (FULL_WIDTH.test(text)) {
      const ascii = text.normalize('NFKC');
      if (field === 'lon' || field === 'lat' || /^[\d.,\s-]+$/.test(ascii))
        problems.push({
          severity: 'WARNING',
          field: header,
          reason: 'FULL_WIDTH',
          message: `${record.at}: ${header} "${text}" has full-width characters, read as "${ascii}"`,
        });
      text = field === 'name' ? text : ascii;
    }
    const limit = field === 'wkt' ? Infinity : KEY_FIELDS.has(field) ? MAX_CODE : MAX_TEXT;
    if (text.length > limit) {
      // kept out: a code past the index's limit fails the write, a long text every xlsx export
      problems.push({
        severity: 'ERROR',
        field: header,
        reason: 'TOO_LONG',
        message: `${record.at}: ${header} is ${text.length} characters long, more than the ${limit} it may have`,
      });
      continue;
    }
    if (text !== '') values.set(field, { header, text });
  }
  const attrs: Record<string, unknown> = {};
  let code = reading.text('code');
  let parentCode: string | null = null;
  let placeBy: string | null = null;
  switch (kind) {
    case 'REGION': {
      const level = reading.text('level');
      if (level) {
        if (/街道|乡|镇|street/i.test(level)) attrs.level = 'STREET';
        else if (/社区|村|community/i.test(level)) attrs.level = 'COMMUNITY';
        else if (/区|县|市|district|county/i.test(level)) attrs.level = 'DISTRICT';
        else
          problems.push({
            severity: 'ERROR',
            field: values.get('level')!.header,
            reason: 'UNKNOWN_LEVEL',
            message: `${record.at}: level "${level}" is not 区/县 (district), 街道 (street) or 社区 (community)`,
          });
      }
      parentCode = reading.text('parent');
      break;
    }
    case 'COMPOUND':
      parentCode = reading.text('community');
      attrs.households = reading.number('households', { integer: true, min: 0 });
      attrs.yearBuilt = reading.number('yearBuilt', { integer: true, min: 1800 });
      attrs.propertyCompany = reading.text('propertyCompany');
      attrs.tags = reading.text('tags') ? list(reading.text('tags')!) : undefined;
      break;
    case 'GRID':
      parentCode = reading.text('community');
      attrs.parentGrid = reading.text('parent');
      attrs.kinds = reading.text('kinds') ? list(reading.text('kinds')!) : undefined;
      break;
    case 'BUILDING': {
      parentCode = reading.text('compound');
      const n = reading.text('number') ?? reading.text('name');
      attrs.number = n;
      attrs.floors = reading.number('floors', { integer: true, min: 1 });
      attrs.households = reading.number('households', { integer: true, min: 0 });
      code = parentCode && n ? `${parentCode}/${n}` : null;
      if (!n)
        problems.push({
          severity: 'ERROR',
          field: '楼号',
          reason: 'MISSING_NUMBER',
          message: `${record.at}: a building needs its number (楼号)`,
        });
      break;
    }
    case 'PROPERTY_COMPANY':
      attrs.phone = reading.text('phone');
      attrs.hasPartyBranch = reading.yesNo('redProperty');
      break;
    case 'RESOURCE': {
      parentCode = reading.text('community');
      const kindText = reading.text('resourceKind');
      const resourceKind = kindText
        ? (RESOURCE_KIND_WORDS.find(([re]) => re.test(kindText))?.[1] ??
          (kindText.toUpperCase().replace(/\s/g, '_') as string))
        : undefined;
      if (kindText && !RESOURCE_KIND_WORDS.some(([, k]) => k === resourceKind))
        problems.push({
          severity: 'ERROR',
          field: values.get('resourceKind')!.header,
          reason: 'UNKNOWN_RESOURCE_KIND',
          message: `${record.at}: "${kindText}" is not a kind of resource (在职党员, 志愿服务队, 社会组织, 社区合伙人, 物业公司, 综合执法, 职能部门)`,
        });
      attrs.kind = resourceKind;
      attrs.capabilities = reading.text('capabilities')
        ? [...new Set(list(reading.text('capabilities')!).map(capabilityOf))]
        : undefined;
      attrs.capacity = reading.number('capacity', { integer: true, min: 0 });
      attrs.contactName = reading.unmasked('contactName');
      attrs.contactPhone = reading.unmasked('phone');
      attrs.mayDecline = reading.yesNo('mayDecline');
      attrs.claims = reading.text('claims') ? list(reading.text('claims')!) : undefined;
      const schedule = reading.text('schedule');
      if (schedule) {
        const availability = parseSchedule(schedule);
        if (availability) attrs.availability = availability;
        else
          problems.push({
            severity: 'ERROR',
            field: values.get('schedule')!.header,
            reason: 'UNREADABLE_SCHEDULE',
            message: `${record.at}: cannot read the schedule "${schedule}" (write e.g. "周一至周五 9:00-17:00", "每月8、18、28日" or "全天")`,
          });
      }
      placeBy = reading.text('building') ?? reading.text('compound');
      break;
    }
  }
  if (!code && kind !== 'BUILDING')
    problems.push({
      severity: 'ERROR',
      field: '编码',
      reason: 'MISSING_CODE',
      message: `${record.at}: no code (编码): every place and resource is matched by its code`,
    });
  const name = reading.text('name');
  if (!name && kind !== 'BUILDING')
    problems.push({
      severity: 'ERROR',
      field: '名称',
      reason: 'MISSING_NAME',
      message: `${record.at}: no name (名称)`,
    });

  // a table's position: lon/lat columns, or a WKT column
  let geometry = record.geometry;
  let wkt: string | null = null;
  if (!geometry) {
    const lon = reading.number('lon');
    const lat = reading.number('lat');
    if (lon !== undefined && lat !== undefined)
      geometry = { type: 'Point', coordinates: [lon, lat] };
    else if (reading.text('wkt')) wkt = reading.text('wkt');
  }
  return { at: record.at, code, name, parentCode, geometry, wkt, placeBy, attrs, problems };
}
