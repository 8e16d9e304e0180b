import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import gcoord from 'gcoord';
import type { Availability } from '../db/schema';
import { MAIN_PATH } from '../modules/ticket/ticket-status';
import { addWorkingHours, createCalendar } from '../modules/ticket/working-calendar';
import * as names from './names';
import { createRng, type Rng } from './random';
import { LADDER } from '../modules/ticket/ticket-machine';

// The demo city, generated as plain data (no database): 2 streets, 21 communities, 111
// compounds, 164 grids, ~1,500 buildings and the people, resources and a year of tickets of
// the Tianchang reports, inside the real Tianchang outline. Same seed + asOf → same city.
//
// Geometry comes from one jittered lattice of quadrilateral cells per city copy. Communities
// and grids are blocks of cells whose rings walk every lattice vertex on their edges, so
// neighbours share exactly the same vertices: grids tile their community with no gaps or
// overlaps, and a street is the exact union of its communities. Compounds are cells shrunk
// toward their centre, so each lies inside one grid and one community.

const dataDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');

type Ring = [number, number][];
export type LonLat = [number, number];

export interface CategoryDef {
  code: string;
  zh: string;
  en: string;
  level: 'COMPOUND' | 'COMMUNITY' | 'STREET';
  respondHours: number;
  resolveHours: number;
  capabilities: string[];
  examples_zh: string[];
  /** 已有人反映: how near (metres, 50–250) an open ticket of it is a likely duplicate. */
  duplicateRadiusM: number;
  /** An emergency category: the number to call (119, 110, 120), else null. */
  emergencyNumber: string | null;
}

export function loadCategories(): CategoryDef[] {
  const raw = JSON.parse(fs.readFileSync(path.join(dataDir, 'categories.json'), 'utf8')) as {
    categories: CategoryDef[];
  };
  return raw.categories;
}

/** The Tianchang county outline, converted from GCJ-02 to WGS84. */
export function loadDistrictOutline(): { type: 'MultiPolygon'; coordinates: number[][][][] } {
  const raw = JSON.parse(
    fs.readFileSync(path.join(dataDir, '341181_tianchang.geojson'), 'utf8'),
  ) as { features: { geometry: { type: 'MultiPolygon'; coordinates: number[][][][] } }[] };
  const geometry = structuredClone(raw.features[0]!.geometry); // gcoord converts in place
  gcoord.transform(geometry as never, gcoord.GCJ02, gcoord.WGS84);
  return geometry;
}

export interface CityOptions {
  seed?: number;
  /** Multiplies the city (copies laid side by side) for benchmarks. */
  scale?: number;
  /** The "today" of the demo: tickets cover the year before it. */
  asOf?: Date;
}

const SYNTHETIC = { synthetic: true, note: '演示数据（虚构）: synthetic demo data' };
const DISTRICT = { code: '341181', name: '天长市' };
// WGS84 of the GCJ-02 "center" property of the outline: the town centre.
const CENTRE: LonLat = [119.0059, 32.6835];
const COMMUNITY_COLS = 3;
const COMMUNITY_ROWS = 7;
const CELLS_X = 4; // cells per community, across
const CELLS_Y = 2; // and down
const STREET_SPLIT = 11; // first 11 communities (row-major) form 广陵街道, the other 10 千秋街道
const MERGED_GRID_COMMUNITIES = new Set([2, 7, 12, 17]); // two cells form one grid: 168 − 4 = 164
const COMPOUNDS_PER_COMMUNITY = (i: number) => (i % 3 === 1 && i < 18 ? 6 : 5); // 6×6 + 15×5 = 111
const GRID_WORKERS = 704;
const PARTY_MEMBERS = 3500;
const SOCIAL_ORGS = 21;
const PROPERTY_COMPANIES = 40;
const CLOSED_TICKETS = 2626;
const OPEN_TICKETS = 140;

export interface City {
  asOf: Date;
  district: {
    code: string;
    name: string;
    boundary: { type: 'MultiPolygon'; coordinates: number[][][][] };
    metadata: object;
  };
  streets: { code: string; name: string; metadata: object }[];
  communities: {
    code: string;
    name: string;
    streetCode: string;
    boundary: Ring;
    metadata: object;
  }[];
  propertyCompanies: { code: string; name: string; hasPartyBranch: boolean; phone: string }[];
  compounds: {
    code: string;
    name: string;
    communityCode: string;
    boundary: Ring;
    households: number;
    yearBuilt: number;
    propertyCompanyCode: string | null;
    tags: string[];
    metadata: object;
  }[];
  buildings: {
    key: string;
    compoundCode: string;
    number: string;
    floors: number;
    households: number;
    location: LonLat;
  }[];
  grids: {
    code: string;
    name: string;
    communityCode: string;
    parentCode: string | null;
    kinds: string[];
    boundary: Ring;
  }[];
  gridWorkers: {
    code: string;
    name: string;
    phone: string;
    gridCode: string;
    isPartyMember: boolean;
    leads: boolean;
  }[];
  partyOrgs: {
    code: string;
    name: string;
    kind: 'COMMITTEE' | 'BRANCH' | 'GROUP' | 'MEMBER_HOUSEHOLD';
    parentCode: string | null;
    communityCode: string;
    compoundCode: string | null;
    gridCode: string | null;
    buildingKey: string | null;
    secretary: string;
    memberCount: number;
  }[];
  resources: {
    code: string;
    kind: string;
    name: string;
    communityCode: string | null;
    propertyCompanyCode: string | null;
    location: LonLat;
    serviceAreaRegionCode: string | null;
    capabilities: string[];
    capacity: number;
    availability: Availability;
    mayDecline: boolean;
    contactName: string;
    contactPhone: string;
  }[];
  claims: { resourceCode: string; gridCode: string | null; compoundCode: string | null }[];
  tickets: {
    code: string;
    categoryCode: string;
    status: string;
    level: string;
    location: LonLat;
    description: string;
    reporterName: string;
    reporterPhone: string;
    channel: string;
    reportedAt: string;
    respondBy: string;
    resolveBy: string;
    acceptedAt: string | null;
    resolvedAt: string | null;
    closedAt: string | null;
    satisfaction: number | null;
    owner: string | null;
    resolvedBy: string | null;
    suspendedFrom: string | null;
    version: number;
  }[];
  events: {
    ticketCode: string;
    type: string;
    from: string | null;
    to: string | null;
    actor: string;
    reason: string | null;
    data: object;
    at: string;
  }[];
}

export function generateCity(options: CityOptions = {}): City {
  let city: City | undefined;
  for (const copy of generateCopies(options)) {
    if (!city) city = copy;
    else for (const key of COPY_LISTS) (city[key] as unknown[]).push(...copy[key]);
  }
  return city!;
}

const COPY_LISTS = [
  'streets',
  'communities',
  'propertyCompanies',
  'compounds',
  'buildings',
  'grids',
  'gridWorkers',
  'partyOrgs',
  'resources',
  'claims',
  'tickets',
  'events',
] as const satisfies readonly (keyof City)[];

/**
 * The city one copy at a time (each a City holding that copy's rows, the district shared), so a
 * large scale is written without holding every copy in memory. One random stream runs through
 * the copies in order: the copies equal generateCity's.
 */
export function generateCopies(options: CityOptions = {}): Iterable<City> {
  const scale = options.scale ?? 1;
  // checked here, not at the first copy: a bad scale fails before anything is written
  if (!Number.isInteger(scale) || scale < 1 || scale > 400)
    throw new Error('scale must be an integer 1–400');
  return copies(options.seed ?? 20_261_123, scale, options.asOf ?? startOfUtcDay(new Date()));
}

function* copies(seed: number, scale: number, asOf: Date): Generator<City> {
  const rng = createRng(seed);
  const categories = loadCategories();
  const district = {
    ...DISTRICT,
    boundary: loadDistrictOutline(),
    metadata: {
      synthetic: false,
      source: 'DataV.GeoAtlas via lyhmyd1211/GeoMapData_CN, GCJ-02 → WGS84',
    },
  };
  const side = Math.ceil(Math.sqrt(scale));
  for (let copy = 0; copy < scale; copy++) {
    const city: City = { asOf, district, ...emptyLists() };
    const offset: [number, number] = [
      (copy % side) - (side - 1) / 2,
      Math.floor(copy / side) - (side - 1) / 2,
    ];
    generateCopy(city, rng, copy, offset, categories);
    yield city;
  }
}

function emptyLists(): Pick<City, (typeof COPY_LISTS)[number]> {
  return {
    streets: [],
    communities: [],
    propertyCompanies: [],
    compounds: [],
    buildings: [],
    grids: [],
    gridWorkers: [],
    partyOrgs: [],
    resources: [],
    claims: [],
    tickets: [],
    events: [],
  };
}

function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

function generateCopy(
  city: City,
  rng: Rng,
  copy: number,
  offset: [number, number],
  categories: CategoryDef[],
) {
  const suffix = copy === 0 ? '' : `·${copy + 1}`;
  const codeBase = Number(DISTRICT.code) * 1000 + copy * 2; // street codes 341181001, 341181002, …

  // --- lattice: column widths and row heights vary, every vertex jittered
  const nx = COMMUNITY_COLS * CELLS_X;
  const ny = COMMUNITY_ROWS * CELLS_Y;
  const widths = Array.from({ length: nx }, () => rng.int(300, 400));
  const heights = Array.from({ length: ny }, () => rng.int(330, 450));
  const totalW = widths.reduce((a, b) => a + b, 0);
  const totalH = heights.reduce((a, b) => a + b, 0);
  const originX = offset[0] * (totalW + 800) - totalW / 2;
  const originY = -offset[1] * (totalH + 800) + totalH / 2; // y north; row 0 at the top
  const xs = [0];
  for (const w of widths) xs.push(xs.at(-1)! + w);
  const ys = [0];
  for (const h of heights) ys.push(ys.at(-1)! + h);
  const vertex: LonLat[][] = [];
  for (let i = 0; i <= nx; i++) {
    vertex.push([]);
    for (let j = 0; j <= ny; j++) {
      const jitter = 0.2 * Math.min(widths[Math.min(i, nx - 1)]!, heights[Math.min(j, ny - 1)]!);
      const x = originX + xs[i]! + (rng.next() * 2 - 1) * jitter;
      const y = originY - ys[j]! + (rng.next() * 2 - 1) * jitter;
      vertex[i]!.push(toLonLat(x, y));
    }
  }
  // Ring of the block of cells [c0, c1) × [r0, r1), counter-clockwise, every lattice vertex on it.
  const blockRing = (c0: number, r0: number, c1: number, r1: number): Ring => {
    const ring: Ring = [];
    for (let j = r0; j < r1; j++) ring.push(vertex[c0]![j]!);
    for (let i = c0; i < c1; i++) ring.push(vertex[i]![r1]!);
    for (let j = r1; j > r0; j--) ring.push(vertex[c1]![j]!);
    for (let i = c1; i > c0; i--) ring.push(vertex[i]![r0]!);
    ring.push(ring[0]!);
    return ring;
  };
  const cellCorners = (i: number, j: number) => ({
    tl: vertex[i]![j]!,
    bl: vertex[i]![j + 1]!,
    br: vertex[i + 1]![j + 1]!,
    tr: vertex[i + 1]![j]!,
  });

  // --- streets and communities
  const streetCodes = [String(codeBase + 1), String(codeBase + 2)];
  names.STREET_NAMES.forEach((name, s) =>
    city.streets.push({
      code: streetCodes[s]!,
      name: name + suffix,
      metadata: { ...SYNTHETIC, boundary: 'union of its communities' },
    }),
  );

  // --- property companies: 40, the first 20 after shuffling have a party branch (红色物业)
  const companyCodes: string[] = [];
  const branchFlags = rng.shuffle(
    Array.from({ length: PROPERTY_COMPANIES }, (_, k) => k < PROPERTY_COMPANIES / 2),
  );
  for (let k = 0; k < PROPERTY_COMPANIES; k++) {
    const code = `PC${copy + 1}-${String(k + 1).padStart(2, '0')}`;
    const stem = names.PROPERTY_COMPANY_STEMS[k % names.PROPERTY_COMPANY_STEMS.length]!;
    city.propertyCompanies.push({
      code,
      name: `${stem}${k >= names.PROPERTY_COMPANY_STEMS.length ? '城市服务' : '物业管理'}有限公司${suffix}`,
      hasPartyBranch: branchFlags[k]!,
      phone: `0550-7${String(rng.int(0, 999_999)).padStart(6, '0')}`,
    });
    companyCodes.push(code);
  }

  const usedCompoundNames = new Set<string>();
  const compoundsByCommunity = new Map<
    string,
    { code: string; cells: [number, number]; buildingKeys: string[]; gridCode: string }[]
  >();
  const gridsByCommunity = new Map<string, string[]>();
  const allBuildings: { key: string; location: LonLat; compoundCode: string; number: string }[] =
    [];
  let workerSeq = 0;
  const newWorker = (gridCode: string, leads: boolean) => {
    workerSeq++;
    const code = `GW${copy + 1}-${String(workerSeq).padStart(4, '0')}`;
    city.gridWorkers.push({
      code,
      name: names.personName(rng),
      phone: names.mobilePhone(rng),
      gridCode,
      isPartyMember: true,
      leads,
    });
    return code;
  };

  for (let k = 0; k < COMMUNITY_COLS * COMMUNITY_ROWS; k++) {
    const col = k % COMMUNITY_COLS;
    const row = Math.floor(k / COMMUNITY_COLS);
    const streetCode = streetCodes[k < STREET_SPLIT ? 0 : 1]!;
    const communityCode = `${streetCode}${String(k + 1).padStart(3, '0')}`;
    const c0 = col * CELLS_X;
    const r0 = row * CELLS_Y;
    city.communities.push({
      code: communityCode,
      name: names.COMMUNITY_NAMES[k]! + suffix,
      streetCode,
      boundary: blockRing(c0, r0, c0 + CELLS_X, r0 + CELLS_Y),
      // the community office's phone, printed on its compounds' QR posters (made up, like the rest;
      // from the code, not the random stream, so the rest of the city stays as it was)
      metadata: {
        ...SYNTHETIC,
        phone: `0550-6${String(copy + 1).slice(-1)}${communityCode.slice(-5)}`,
      },
    });

    // Grids: one per cell, except a merged pair in a few communities.
    const cellGrid = new Map<string, string>();
    const gridCodes: string[] = [];
    let g = 0;
    for (let dy = 0; dy < CELLS_Y; dy++) {
      for (let dx = 0; dx < CELLS_X; dx++) {
        if (MERGED_GRID_COMMUNITIES.has(k) && dy === 0 && dx === 1) {
          cellGrid.set(`${dx},${dy}`, cellGrid.get('0,0')!);
          continue;
        }
        g++;
        const gridCode = `${communityCode}G${String(g).padStart(2, '0')}`;
        const merged = MERGED_GRID_COMMUNITIES.has(k) && dy === 0 && dx === 0;
        city.grids.push({
          code: gridCode,
          name: `${names.COMMUNITY_NAMES[k]!.replace('社区', '')}第${g}网格${suffix}`,
          communityCode,
          parentCode: null,
          kinds: [
            'PARTY_BUILDING',
            'SOCIAL_ORDER',
            'PETITION',
            ...(rng.chance(0.3) ? ['URBAN_MANAGEMENT'] : []),
          ],
          boundary: blockRing(c0 + dx, r0 + dy, c0 + dx + (merged ? 2 : 1), r0 + dy + 1),
        });
        cellGrid.set(`${dx},${dy}`, gridCode);
        gridCodes.push(gridCode);
        // About one grid in five is split into two micro-grids (微网格) at the cell's midline.
        if (!merged && rng.chance(0.2)) {
          const { tl, bl, br, tr } = cellCorners(c0 + dx, r0 + dy);
          const mt = midpoint(tl, tr);
          const mb = midpoint(bl, br);
          const halves: Ring[] = [
            [tl, bl, mb, mt, tl],
            [mt, mb, br, tr, mt],
          ];
          halves.forEach((ring, h) =>
            city.grids.push({
              code: `${gridCode}-${h + 1}`,
              name: `${names.COMMUNITY_NAMES[k]!.replace('社区', '')}第${g}网格${h === 0 ? '西' : '东'}微网格${suffix}`,
              communityCode,
              parentCode: gridCode,
              kinds: ['PARTY_BUILDING', 'SOCIAL_ORDER'],
              boundary: ring,
            }),
          );
        }
      }
    }
    gridsByCommunity.set(communityCode, gridCodes);

    // Compounds: distinct cells of the community.
    const cells = rng.shuffle(
      Array.from(
        { length: CELLS_X * CELLS_Y },
        (_, n) => [n % CELLS_X, Math.floor(n / CELLS_X)] as [number, number],
      ),
    );
    const compoundList: {
      code: string;
      cells: [number, number];
      buildingKeys: string[];
      gridCode: string;
    }[] = [];
    for (let n = 0; n < COMPOUNDS_PER_COMMUNITY(k); n++) {
      const [dx, dy] = cells[n]!;
      const oldEstate = rng.chance(0.45);
      const resettlement = !oldEstate && rng.chance(0.15);
      const yearBuilt = oldEstate ? rng.int(1982, 2000) : rng.int(2003, 2021);
      const tags = oldEstate ? ['老旧小区'] : resettlement ? ['安置小区'] : ['商品房'];
      if (rng.chance(0.15)) tags.push('单位院落');
      const company = oldEstate && rng.chance(0.45) ? null : rng.pick(companyCodes);
      const code = `${communityCode}${String(n + 1).padStart(2, '0')}`;
      const name = names.compoundName(rng, oldEstate, usedCompoundNames) + suffix;
      const { tl, bl, br, tr } = cellCorners(c0 + dx, r0 + dy);
      const shrink = 0.72 + rng.next() * 0.14;
      const quad = shrinkQuad([tl, bl, br, tr], shrink);
      // Buildings in rows inside the compound quad (bilinear positions stay inside a convex quad).
      const count = rng.int(8, 19);
      const perRow = Math.ceil(Math.sqrt(count * 1.4));
      const rows = Math.ceil(count / perRow);
      let households = 0;
      const buildingKeys: string[] = [];
      for (let b = 0; b < count; b++) {
        const u = 0.14 + (0.72 * ((b % perRow) + 0.5)) / perRow;
        const v = 0.14 + (0.72 * (Math.floor(b / perRow) + 0.5)) / rows;
        const floors = oldEstate ? rng.int(4, 7) : rng.pick([6, 11, 18, 26, 33]);
        const units = rng.int(1, 4);
        const bHouseholds = floors * units * 2;
        households += bHouseholds;
        const key = `${code}#${b + 1}`;
        const location = bilinear(quad, u, v);
        city.buildings.push({
          key,
          compoundCode: code,
          number: String(b + 1),
          floors,
          households: bHouseholds,
          location,
        });
        allBuildings.push({ key, location, compoundCode: code, number: String(b + 1) });
        buildingKeys.push(key);
      }
      city.compounds.push({
        code,
        name,
        communityCode,
        boundary: [...quad, quad[0]!],
        households,
        yearBuilt,
        propertyCompanyCode: company,
        tags,
        metadata: { ...SYNTHETIC, qr: `/r/${code}` },
      });
      compoundList.push({
        code,
        cells: [dx, dy],
        buildingKeys,
        gridCode: cellGrid.get(`${dx},${dy}`)!,
      });
    }
    compoundsByCommunity.set(communityCode, compoundList);
  }

  // --- grid workers: a lead per grid and per micro-grid, the rest spread as team members
  const copyGrids = city.grids.filter(
    (gr) => gr.code.startsWith(streetCodes[0]!) || gr.code.startsWith(streetCodes[1]!),
  );
  for (const grid of copyGrids) newWorker(grid.code, true);
  const topGrids = copyGrids.filter((gr) => gr.parentCode === null);
  while (workerSeq < GRID_WORKERS) newWorker(rng.pick(topGrids).code, false);

  // --- party organisations: committee per community → branch per compound → group per grid →
  // member households (党员中心户) on about a third of the buildings
  for (const community of city.communities.filter((c) => streetCodes.includes(c.streetCode))) {
    const committee = `PO-${community.code}`;
    city.partyOrgs.push({
      code: committee,
      name: `${community.name}党委`,
      kind: 'COMMITTEE',
      parentCode: null,
      communityCode: community.code,
      compoundCode: null,
      gridCode: null,
      buildingKey: null,
      secretary: names.personName(rng),
      memberCount: rng.int(120, 400),
    });
    const compoundList = compoundsByCommunity.get(community.code)!;
    const branchOfGrid = new Map<string, string>();
    for (const compound of compoundList) {
      const branch = `PO-${compound.code}`;
      const compoundName = city.compounds.find((c) => c.code === compound.code)!.name;
      city.partyOrgs.push({
        code: branch,
        name: `${compoundName}党支部`,
        kind: 'BRANCH',
        parentCode: committee,
        communityCode: community.code,
        compoundCode: compound.code,
        gridCode: compound.gridCode,
        buildingKey: null,
        secretary: names.personName(rng),
        memberCount: rng.int(15, 60),
      });
      if (!branchOfGrid.has(compound.gridCode)) branchOfGrid.set(compound.gridCode, branch);
    }
    for (const gridCode of gridsByCommunity.get(community.code)!) {
      const group = `PO-${gridCode}`;
      city.partyOrgs.push({
        code: group,
        name: `${city.grids.find((gr) => gr.code === gridCode)!.name}党小组`,
        kind: 'GROUP',
        parentCode: branchOfGrid.get(gridCode) ?? committee,
        communityCode: community.code,
        compoundCode: null,
        gridCode,
        buildingKey: null,
        secretary: names.personName(rng),
        memberCount: rng.int(5, 20),
      });
    }
    for (const compound of compoundList) {
      for (const key of compound.buildingKeys) {
        if (!rng.chance(0.33)) continue;
        const head = names.personName(rng);
        city.partyOrgs.push({
          code: `PO-${key}`,
          name: `${head}党员中心户`,
          kind: 'MEMBER_HOUSEHOLD',
          parentCode: `PO-${compound.gridCode}`,
          communityCode: community.code,
          compoundCode: compound.code,
          gridCode: compound.gridCode,
          buildingKey: key,
          secretary: head,
          memberCount: rng.int(1, 3),
        });
      }
    }
  }

  // --- resources
  let resourceSeq = 0;
  const copyCommunities = city.communities.filter((c) => streetCodes.includes(c.streetCode));
  const addResource = (r: Omit<City['resources'][number], 'code'>) => {
    resourceSeq++;
    const code = `R${copy + 1}-${String(resourceSeq).padStart(5, '0')}`;
    city.resources.push({ code, ...r });
    return code;
  };
  const communityOf = (compoundCode: string) => compoundCode.slice(0, streetCodes[0]!.length + 3);
  const buildingsOfCommunity = new Map<string, typeof allBuildings>();
  for (const b of allBuildings) {
    const list = buildingsOfCommunity.get(communityOf(b.compoundCode)) ?? [];
    list.push(b);
    buildingsOfCommunity.set(communityOf(b.compoundCode), list);
  }
  const branchDays: Availability = {
    monthlyDays: [8, 18, 28],
    weekly: [
      [6, '09:00', '17:00'],
      [7, '09:00', '17:00'],
    ],
  };
  for (let p = 0; p < PARTY_MEMBERS; p++) {
    const community = copyCommunities[p % copyCommunities.length]!;
    const home = rng.pick(buildingsOfCommunity.get(community.code)!);
    const skills = rng.shuffle([...names.PARTY_MEMBER_SKILLS]).slice(0, rng.int(1, 3));
    const person = names.personName(rng);
    const code = addResource({
      kind: 'PARTY_MEMBER',
      name: person,
      communityCode: community.code,
      propertyCompanyCode: null,
      location: jitterMetres(rng, home.location, 25),
      serviceAreaRegionCode: null,
      capabilities: skills,
      capacity: rng.int(1, 2),
      availability: branchDays,
      mayDecline: true,
      contactName: person,
      contactPhone: names.mobilePhone(rng),
    });
    // 认领责任区: about 40% claim a grid or a compound of their community.
    if (rng.chance(0.4)) {
      if (rng.chance(0.5)) {
        city.claims.push({
          resourceCode: code,
          gridCode: rng.pick(gridsByCommunity.get(community.code)!),
          compoundCode: null,
        });
      } else {
        city.claims.push({ resourceCode: code, gridCode: null, compoundCode: home.compoundCode });
      }
    }
  }
  for (const community of copyCommunities) {
    const centre = ringCentre(community.boundary);
    // volunteer team(s)
    for (let v = 0; v < rng.int(1, 2); v++) {
      const leader = names.personName(rng);
      const code = addResource({
        kind: 'VOLUNTEER_TEAM',
        name: `${community.name}${rng.pick(['红马甲', '银发', '青年', '邻里守望'])}志愿服务队`,
        communityCode: community.code,
        propertyCompanyCode: null,
        location: jitterMetres(rng, centre, 200),
        serviceAreaRegionCode: community.code,
        capabilities: rng.shuffle([...names.PARTY_MEMBER_SKILLS]).slice(0, rng.int(2, 4)),
        capacity: rng.int(3, 6),
        availability: {
          weekly: [
            [6, '08:00', '18:00'],
            [7, '08:00', '18:00'],
          ],
          monthlyDays: [8, 18, 28],
        },
        mayDecline: true,
        contactName: leader,
        contactPhone: names.mobilePhone(rng),
      });
      city.claims.push({
        resourceCode: code,
        gridCode: rng.pick(gridsByCommunity.get(community.code)!),
        compoundCode: null,
      });
    }
    // community partners (社区合伙人): 15–17 per community
    const partners = rng.shuffle([...names.PARTNER_KINDS]).slice(0, rng.int(15, 17));
    for (const partner of partners) {
      const owner = names.personName(rng);
      addResource({
        kind: 'COMMUNITY_PARTNER',
        name: `${owner.slice(0, 1)}记${partner.name}`,
        communityCode: community.code,
        propertyCompanyCode: null,
        location: jitterMetres(rng, centre, 500),
        serviceAreaRegionCode: community.code,
        capabilities: partner.capabilities,
        capacity: rng.int(2, 5),
        availability: {
          weekly: [1, 2, 3, 4, 5, 6, 7].map(
            (d) => [d, '08:00', '20:00'] as [number, string, string],
          ),
        },
        mayDecline: true,
        contactName: owner,
        contactPhone: names.mobilePhone(rng),
      });
    }
  }
  for (let s = 0; s < SOCIAL_ORGS; s++) {
    const community = copyCommunities[(s * 5) % copyCommunities.length]!;
    const kind = names.SOCIAL_ORG_KINDS[s % names.SOCIAL_ORG_KINDS.length]!;
    addResource({
      kind: 'SOCIAL_ORG',
      name: `天长市${community.name.replace('社区', '')}${kind.name}${suffix}`,
      communityCode: community.code,
      propertyCompanyCode: null,
      location: jitterMetres(rng, ringCentre(community.boundary), 300),
      serviceAreaRegionCode: community.streetCode,
      capabilities: kind.capabilities,
      capacity: rng.int(4, 10),
      availability: {
        weekly: [1, 2, 3, 4, 5].map((d) => [d, '08:30', '17:30'] as [number, string, string]),
      },
      mayDecline: true,
      contactName: names.personName(rng),
      contactPhone: names.mobilePhone(rng),
    });
  }
  for (const company of city.propertyCompanies.filter((c) => c.code.startsWith(`PC${copy + 1}-`))) {
    const managed = city.compounds.filter((c) => c.propertyCompanyCode === company.code);
    const base = managed[0]
      ? ringCentre(managed[0].boundary)
      : toLonLat(originX + totalW / 2, originY - totalH / 2);
    addResource({
      kind: 'PROPERTY_COMPANY',
      name: company.name,
      communityCode: managed[0]?.communityCode ?? null,
      propertyCompanyCode: company.code,
      location: base,
      serviceAreaRegionCode: null,
      capabilities: [
        'property_management',
        'repair',
        'cleaning',
        'parking_management',
        'greening',
        ...(company.hasPartyBranch ? ['fire_safety'] : []),
      ],
      capacity: 10 + managed.length * 2,
      availability: { always: true },
      mayDecline: false,
      contactName: names.personName(rng),
      contactPhone: company.phone,
    });
  }
  streetCodes.forEach((streetCode, s) => {
    const communities = copyCommunities.filter((c) => c.streetCode === streetCode);
    addResource({
      kind: 'LAW_ENFORCEMENT',
      name: `${names.STREET_NAMES[s]}综合行政执法队${suffix}`,
      communityCode: null,
      propertyCompanyCode: null,
      location: ringCentre(communities[0]!.boundary),
      serviceAreaRegionCode: streetCode,
      capabilities: ['law_enforcement', 'fire_safety', 'animal_control', 'parking_management'],
      capacity: 40,
      availability: { always: true },
      mayDecline: false,
      contactName: names.personName(rng),
      contactPhone: `0550-7${String(rng.int(0, 999_999)).padStart(6, '0')}`,
    });
  });
  for (const department of names.DEPARTMENTS) {
    addResource({
      kind: 'DEPARTMENT',
      name: department.name + suffix,
      communityCode: null,
      propertyCompanyCode: null,
      location: jitterMetres(rng, toLonLat(originX + totalW / 2, originY - totalH / 2), 600),
      serviceAreaRegionCode: copy === 0 ? DISTRICT.code : null,
      capabilities: department.capabilities,
      capacity: 200,
      availability: { always: true },
      mayDecline: false,
      contactName: names.personName(rng),
      contactPhone: `0550-7${String(rng.int(0, 999_999)).padStart(6, '0')}`,
    });
  }

  generateTickets(city, rng, copy, categories, allBuildings, streetCodes);
}

// the demo city is the same whatever holidays a deployment configures: the plain calendar
const calendar = createCalendar();
const HOUR = 3600_000;

function generateTickets(
  city: City,
  rng: Rng,
  copy: number,
  categories: CategoryDef[],
  buildings: { key: string; location: LonLat; compoundCode: string; number: string }[],
  streetCodes: string[],
) {
  const copyResources = city.resources.filter((r) => r.code.startsWith(`R${copy + 1}-`));
  const byCapability = new Map<string, typeof copyResources>();
  for (const r of copyResources) {
    for (const cap of r.capabilities) {
      const list = byCapability.get(cap);
      if (list) list.push(r);
      else byCapability.set(cap, [r]);
    }
  }
  const weights: Record<string, number> = {
    PARKING: 14,
    FIRE_LANE: 9,
    ILLEGAL_WIRING: 9,
    FACILITY_REPAIR: 18,
    SANITATION: 10,
    GREENING: 4,
    NOISE: 6,
    NEIGHBOR_DISPUTE: 7,
    PROPERTY_SERVICE: 9,
    ILLEGAL_CONSTRUCTION: 2,
    ELDERLY_CARE: 5,
    POLICY_CONSULT: 3,
    PUBLIC_SECURITY: 2,
    UTILITIES: 3,
    PETS: 3,
    OTHER: 1,
  };
  const bag = categories.flatMap((c) => Array<CategoryDef>(weights[c.code] ?? 1).fill(c));
  const compoundNames = new Map(city.compounds.map((c) => [c.code, c.name]));
  const copyBuildings = buildings.filter((b) =>
    streetCodes.some((s) => b.compoundCode.startsWith(s)),
  );
  const asOf = city.asOf.getTime();
  const daySeq = new Map<string, number>();
  // Who may be dispatched for a category in a community: local first, then anyone able.
  const pools = new Map<string, typeof copyResources>();
  const dispatchPool = (category: CategoryDef, communityCode: string) => {
    const key = `${category.code} ${communityCode}`;
    let pool = pools.get(key);
    if (!pool) {
      const candidates = category.capabilities.flatMap((cap) => byCapability.get(cap) ?? []);
      const local = candidates.filter(
        (r) => r.communityCode === communityCode || r.communityCode === null,
      );
      pool = local.length ? local : candidates.length ? candidates : copyResources;
      pools.set(key, pool);
    }
    return pool;
  };
  // The leading workers of a community, looked up once per community rather than per ticket.
  const leadWorkers = new Map<string, string[]>();
  const leadWorkersOf = (communityCode: string) => {
    let codes = leadWorkers.get(communityCode);
    if (!codes) {
      codes = city.gridWorkers
        .filter((w) => w.leads && w.gridCode.startsWith(communityCode))
        .map((w) => w.code);
      leadWorkers.set(communityCode, codes);
    }
    return codes;
  };
  const iso = (ms: number) => new Date(ms).toISOString();

  const total = CLOSED_TICKETS + OPEN_TICKETS;
  // Open tickets stop somewhere on the main path before feedback, or are suspended (缓办).
  const openStatuses = [...MAIN_PATH.slice(0, MAIN_PATH.indexOf('FEEDBACK')), 'SUSPENDED'];
  for (let n = 0; n < total; n++) {
    const closed = n < CLOSED_TICKETS;
    const target = closed ? 'CLOSED' : openStatuses[n % openStatuses.length]!;
    const category = rng.pick(bag);
    const building = rng.pick(copyBuildings);
    const reportedAt = closed
      ? asOf - rng.int(10 * 24, 365 * 24) * HOUR + rng.int(0, 3599) * 1000
      : asOf - rng.int(1, 20 * 24) * HOUR + rng.int(0, 3599) * 1000;
    const day = new Date(reportedAt + 8 * HOUR).toISOString().slice(0, 10).replaceAll('-', '');
    const seq = (daySeq.get(day) ?? 0) + 1;
    daySeq.set(day, seq);
    const code = `T${day}${String(seq).padStart(4, '0')}${copy === 0 ? '' : `-${copy + 1}`}`;
    const respondBy = addWorkingHours(
      calendar,
      new Date(reportedAt),
      category.respondHours,
    ).getTime();
    const resolveBy = addWorkingHours(
      calendar,
      new Date(reportedAt),
      category.resolveHours,
    ).getTime();
    const channel = rng.pick(['QR', 'QR', 'QR', 'PATROL', 'PATROL', 'HOTLINE', 'STAFF']);
    const reporter = names.personName(rng);
    const communityCode = building.compoundCode.slice(0, streetCodes[0]!.length + 3);
    const workerCodes = leadWorkersOf(communityCode);
    const events: City['events'] = [];
    let status: string | null = null;
    let version = 0;
    let level: string = category.level;
    let t = reportedAt;
    const step = (
      type: string,
      to: string | null,
      actor: string,
      at: number,
      data: object = {},
      reason: string | null = null,
    ) => {
      events.push({ ticketCode: code, type, from: status, to, actor, reason, data, at: iso(at) });
      if (to) status = to;
      version++;
      t = at;
    };
    const ticket = {
      code,
      categoryCode: category.code,
      status: 'REPORTED',
      level,
      location: building.location,
      description: names.ticketText(
        rng,
        category.code,
        compoundNames.get(building.compoundCode)!,
        building.number,
      ),
      reporterName: reporter,
      reporterPhone: names.mobilePhone(rng),
      channel,
      reportedAt: iso(reportedAt),
      respondBy: iso(respondBy),
      resolveBy: iso(resolveBy),
      acceptedAt: null as string | null,
      resolvedAt: null as string | null,
      closedAt: null as string | null,
      satisfaction: null as number | null,
      owner: null as string | null,
      resolvedBy: null as string | null,
      suspendedFrom: null as string | null,
      version: 1,
    };
    ticket.location =
      channel === 'PATROL' || rng.chance(0.5)
        ? jitterMetres(rng, building.location, 8)
        : building.location;
    const reporterActor =
      channel === 'PATROL' ? `grid_worker:${rng.pick(workerCodes)}` : `resident:${reporter}`;
    step('REPORTED', 'REPORTED', reporterActor, reportedAt, { channel });
    const reach = target === 'SUSPENDED' ? 'IN_PROGRESS' : target;
    const until = MAIN_PATH.indexOf(reach as (typeof MAIN_PATH)[number]);
    const span = (from: number, deadline: number, onTime: number) =>
      rng.chance(onTime)
        ? from + (deadline - from) * (0.1 + 0.85 * rng.next())
        : deadline + rng.int(1, 72) * HOUR;
    const owner = rng.chance(0.6)
      ? `grid_worker:${rng.pick(workerCodes)}`
      : `staff:${communityCode}`;
    if (until >= 1) {
      const at = Math.min(
        span(t, Math.max(respondBy, t + HOUR), 0.95),
        closed ? Infinity : asOf - 60_000,
      );
      step('ACCEPT', 'ACCEPTED', owner, at, { owner });
      ticket.acceptedAt = iso(at);
      ticket.owner = owner;
      if (rng.chance(0.06) && level !== 'DEPARTMENT') {
        const next = LADDER[LADDER.indexOf(level as (typeof LADDER)[number]) + 1]!;
        step(
          'ESCALATE',
          null,
          owner,
          t + rng.int(1, 8) * HOUR,
          { fromLevel: level, toLevel: next },
          '本级无法解决，提请上级协调',
        );
        level = next;
      }
    }
    if (until >= 2) {
      const resource = rng.pick(dispatchPool(category, communityCode));
      step('DISPATCH', 'DISPATCHED', owner, t + rng.int(5, 120) * 60_000, {
        resources: [resource.code],
      });
      if (until >= 3)
        step('START', 'IN_PROGRESS', `resource:${resource.code}`, t + rng.int(10, 600) * 60_000);
      if (until >= 4) {
        const resolveAt = closed
          ? span(t, Math.max(resolveBy, t + HOUR), 0.93)
          : Math.min(t + rng.int(1, 48) * HOUR, asOf - 60_000);
        step('RESOLVE', 'RESOLVED', `resource:${resource.code}`, resolveAt, {}, '已处理完毕');
        if (rng.chance(0.04) && closed) {
          step(
            'VERIFY_FAIL',
            'IN_PROGRESS',
            owner,
            t + rng.int(1, 24) * HOUR,
            {},
            '现场复核未达标，返工',
          );
          step(
            'RESOLVE',
            'RESOLVED',
            `resource:${resource.code}`,
            t + rng.int(2, 48) * HOUR,
            {},
            '返工完成',
          );
        }
        ticket.resolvedAt = iso(t);
        ticket.resolvedBy = `resource:${resource.code}`;
      }
      if (until >= 5)
        step(
          'VERIFY_PASS',
          'VERIFIED',
          `grid_worker:${rng.pick(workerCodes)}`,
          t + rng.int(1, 24) * HOUR,
        );
      if (until >= 6) {
        const rating = rng.pick([5, 5, 5, 5, 5, 5, 4, 4, 4, 3, 2, 1]);
        step('FEEDBACK', 'FEEDBACK', `resident:${reporter}`, t + rng.int(1, 48) * HOUR, { rating });
        ticket.satisfaction = rating;
      }
      if (until >= 7) {
        step('CLOSE', 'CLOSED', 'system', t + rng.int(1, 60) * 60_000);
        ticket.closedAt = iso(t);
      }
    }
    if (target === 'SUSPENDED') {
      ticket.suspendedFrom = status;
      step('SUSPEND', 'SUSPENDED', owner, t + HOUR, {}, '等待维修资金审批（缓办）');
    }
    ticket.status = status!;
    ticket.level = level;
    ticket.version = version;
    city.tickets.push(ticket);
    city.events.push(...events);
  }
}

// --- small geometry helpers (local metres around the town centre ↔ lon/lat)
const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LON = 111_320 * Math.cos((CENTRE[1] * Math.PI) / 180);

function toLonLat(x: number, y: number): LonLat {
  return [round7(CENTRE[0] + x / M_PER_DEG_LON), round7(CENTRE[1] + y / M_PER_DEG_LAT)];
}

function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}

function midpoint(a: LonLat, b: LonLat): LonLat {
  // Not rounded: the exact midpoint stays on the parent grid's edge, so micro-grids tile it.
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}

function shrinkQuad(quad: LonLat[], factor: number): LonLat[] {
  const cx = quad.reduce((s, p) => s + p[0], 0) / quad.length;
  const cy = quad.reduce((s, p) => s + p[1], 0) / quad.length;
  return quad.map(([x, y]) => [round7(cx + (x - cx) * factor), round7(cy + (y - cy) * factor)]);
}

/** quad = [tl, bl, br, tr]; u runs west→east, v north→south. */
function bilinear(quad: LonLat[], u: number, v: number): LonLat {
  const [tl, bl, br, tr] = quad as [LonLat, LonLat, LonLat, LonLat];
  const lerp = (a: LonLat, b: LonLat, s: number): LonLat => [
    a[0] + (b[0] - a[0]) * s,
    a[1] + (b[1] - a[1]) * s,
  ];
  const top = lerp(tl, tr, u);
  const bottom = lerp(bl, br, u);
  const p = lerp(top, bottom, v);
  return [round7(p[0]), round7(p[1])];
}

function ringCentre(ring: Ring): LonLat {
  const pts = ring.slice(0, -1);
  return [
    round7(pts.reduce((s, p) => s + p[0], 0) / pts.length),
    round7(pts.reduce((s, p) => s + p[1], 0) / pts.length),
  ];
}

function jitterMetres(rng: Rng, p: LonLat, metres: number): LonLat {
  return [
    round7(p[0] + ((rng.next() * 2 - 1) * metres) / M_PER_DEG_LON),
    round7(p[1] + ((rng.next() * 2 - 1) * metres) / M_PER_DEG_LAT),
  ];
}
