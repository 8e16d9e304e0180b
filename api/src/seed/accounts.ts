import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { hashPassword } from '../auth/password';
import { bulk } from './bulk';
import type { Role } from '../auth/roles';
import { mobilePhone, personName } from './names';
import { createRng } from './random';

// The demo city's people who sign in, one per role, and its courtyard archive of vulnerable
// households. All invented; the shared demo password is printed by `pnpm start` in development.

export const DEMO_PASSWORD = 'yitu-demo-2026';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  /** What the jurisdiction is, in words, for the start-up listing. */
  where: string;
}

/** Inserts the demo accounts; their jurisdictions are the first places of the seeded city. */
export async function insertDemoAccounts(database: Database): Promise<DemoAccount[]> {
  const [p] = await database.rows<{
    district: number;
    street: number;
    streetName: string;
    community1: number;
    community1Name: string;
    community2: number;
    community2Name: string;
    grid: number;
    gridName: string;
  }>(sql`
    WITH d AS (SELECT id FROM regions WHERE level = 'DISTRICT' ORDER BY id LIMIT 1),
      s AS (SELECT id, name FROM regions WHERE parent_id = (SELECT id FROM d) ORDER BY code LIMIT 1),
      c AS (SELECT id, name, row_number() OVER (ORDER BY code) AS n FROM regions
            WHERE parent_id IN (SELECT id FROM regions WHERE parent_id = (SELECT id FROM d)))
    SELECT (SELECT id FROM d) AS district, (SELECT id FROM s) AS street, (SELECT name FROM s) AS "streetName",
      (SELECT id FROM c WHERE n = 1) AS community1, (SELECT name FROM c WHERE n = 1) AS "community1Name",
      (SELECT id FROM c WHERE n = 2) AS community2, (SELECT name FROM c WHERE n = 2) AS "community2Name",
      g.id AS grid, g.name AS "gridName"
    FROM grids g WHERE g.community_id = (SELECT id FROM c WHERE n = 1) AND g.parent_id IS NULL
    -- the grid worker's grid is one with tickets to work on
    ORDER BY (SELECT count(*) FROM tickets t WHERE t.grid_id = g.id) DESC, g.code LIMIT 1`);
  if (!p) throw new Error('seed the city before its accounts');
  const accounts: (DemoAccount & { regionPk: number | null; gridPk: number | null })[] = [
    {
      username: 'admin',
      displayName: '系统管理员',
      role: 'ADMIN',
      where: '全部',
      regionPk: null,
      gridPk: null,
    },
    {
      username: 'command',
      displayName: '指挥中心值班员',
      role: 'STREET_STAFF',
      where: '天长市 (全区)',
      regionPk: p.district,
      gridPk: null,
    },
    {
      username: 'street',
      displayName: `${p.streetName}工作人员`,
      role: 'STREET_STAFF',
      where: p.streetName,
      regionPk: p.street,
      gridPk: null,
    },
    {
      username: 'community',
      displayName: `${p.community1Name}两委`,
      role: 'COMMUNITY_STAFF',
      where: p.community1Name,
      regionPk: p.community1,
      gridPk: null,
    },
    {
      username: 'community2',
      displayName: `${p.community2Name}两委`,
      role: 'COMMUNITY_STAFF',
      where: p.community2Name,
      regionPk: p.community2,
      gridPk: null,
    },
    {
      username: 'grid',
      displayName: `${p.gridName}网格员`,
      role: 'GRID_WORKER',
      where: p.gridName,
      regionPk: null,
      gridPk: p.grid,
    },
    {
      username: 'department',
      displayName: '城市管理局',
      role: 'DEPARTMENT',
      where: '天长市 (转办部门的工单)',
      regionPk: p.district,
      gridPk: null,
    },
  ];
  // one hash for the shared demo password: argon2 is slow on purpose
  const hash = await hashPassword(DEMO_PASSWORD);
  for (const a of accounts) {
    await database.db.execute(sql`
      INSERT INTO accounts (username, display_name, role, region_id, grid_id, password_hash)
      VALUES (${a.username}, ${a.displayName}, ${a.role}, ${a.regionPk}, ${a.gridPk}, ${hash})`);
  }
  return accounts.map(({ username, displayName, role, where }) => ({
    username,
    displayName,
    role,
    where,
  }));
}

const VULNERABLE_TAGS = ['独居老人', '空巢老人', '低保户', '残疾人', '留守儿童', '重病患者'];

/** One to three vulnerable households in most compounds, in real buildings of each. */
export async function insertVulnerableHouseholds(database: Database): Promise<void> {
  const rng = createRng(71_204);
  const compounds = await database.rows<{
    id: number;
    buildings: { id: number; number: string }[];
  }>(sql`
    SELECT c.id, COALESCE(json_agg(json_build_object('id', b.id, 'number', b.number) ORDER BY b.id)
      FILTER (WHERE b.id IS NOT NULL), '[]') AS buildings
    FROM compounds c LEFT JOIN buildings b ON b.compound_id = c.id GROUP BY c.id ORDER BY c.id`);
  const households = [];
  for (const c of compounds) {
    if (c.buildings.length === 0) continue;
    for (let i = rng.int(0, 3); i > 0; i--) {
      const building = rng.pick(c.buildings);
      const tags = rng.shuffle([...VULNERABLE_TAGS]).slice(0, rng.chance(0.3) ? 2 : 1);
      households.push({
        compoundId: c.id,
        buildingId: building.id,
        unit: `${building.number}栋${rng.int(1, 3)}单元${rng.int(1, 6)}0${rng.int(1, 4)}`,
        tags,
        contactName: personName(rng),
        contactPhone: mobilePhone(rng),
        note: tags.includes('独居老人') ? '每周探访, 需助餐' : null,
      });
    }
  }
  await bulk(
    database,
    households,
    (json) => sql`
    INSERT INTO vulnerable_households (compound_id, building_id, unit, tags, contact_name, contact_phone, note)
    SELECT "compoundId", "buildingId", unit, ARRAY(SELECT jsonb_array_elements_text(tags)), "contactName",
      "contactPhone", note
    FROM jsonb_to_recordset(${json}::jsonb) AS r("compoundId" int, "buildingId" int, unit text, tags jsonb,
      "contactName" text, "contactPhone" text, note text)`,
  );
}

/** The demo accounts still in the database, for the development start-up listing. */
export function listDemoAccounts(
  database: Database,
): Promise<{ username: string; role: string; displayName: string; place: string }[]> {
  return database.rows(sql`
    SELECT a.username, a.role, a.display_name AS "displayName",
      COALESCE(g.name, r.name, '全部') AS place
    FROM accounts a LEFT JOIN grids g ON g.id = a.grid_id LEFT JOIN regions r ON r.id = a.region_id
    WHERE a.username IN ('admin', 'command', 'street', 'community', 'community2', 'grid', 'department')
      AND NOT a.disabled
    ORDER BY a.id`);
}
