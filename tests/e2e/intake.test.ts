import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '@yitu/api/testing';
import { signIn } from '../support/auth';
import { testNow } from '../support/clock';
import { insertFixture } from '../support/fixture';
import { launchChromium, openPage, submitSignIn, requireChromium } from '../support/chromium';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';

// The resident's QR page at a phone's width (390 px), used as a person would: an emergency shows
// the number to call before anything else; a matter already reported nearby (已有人反映) can be
// followed instead of filed again. Screenshots go to tests/artifacts/e2e.

/** The fixture district (compound FX-P) and an open fire-lane ticket 30 m from its point. */
async function fixture(database: Database) {
  await insertFixture(database);
  const at = new Date(testNow().getTime() - 86_400_000).toISOString();
  await database.rows(sql`
    WITH c AS (SELECT id, community_id, ST_PointOnSurface(boundary) AS p FROM compounds WHERE code = 'FX-P')
    INSERT INTO tickets (code, category_code, status, level, location, compound_id, community_id,
      description, reporter_name, reporter_phone, channel, follow_token, reported_at, version, updated_at)
    SELECT 'DUP-E2E', 'FIRE_LANE', 'REPORTED', 'COMMUNITY',
      ST_Project(c.p::geography, 30, radians(0))::geometry, c.id, c.community_id,
      '2号楼楼道堆满纸箱，消防通道走不通', '钱八', '13600005555', 'QR', 'e2e-fixture-follow-token-1', ${at}, 1, ${at}
    FROM c`);
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shots = path.join(repoRoot, 'tests/artifacts/e2e', engineName());

describe(`the resident's intake in headless Chromium on ${engineName()}`, () => {
  let server: RunningServer;
  let browser: Browser;
  let cookie: string;
  let compound: string;
  const graphql = async <T>(query: string, variables: object = {}): Promise<T> => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const phonePage = async (): Promise<Page> => {
    const page = await openPage(browser, { viewport: { width: 390, height: 844 } });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.url}/r/${compound}`);
    await page.getByTestId('report-compound').filter({ hasNotText: '…' }).waitFor();
    return page;
  };

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    requireChromium();
    server = await startServer({}, fixture);
    cookie = await signIn(server.url, 'fx-command');
    browser = await launchChromium();
    compound = 'FX-P';
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the number to call first when the words read as an emergency, and files it urgent', async () => {
    const phone = await phonePage();
    await phone.getByTestId('report-name').fill('周七');
    await phone.getByTestId('report-phone').fill('13700004444');
    // an ordinary matter: no number
    await phone.getByTestId('report-description').fill('楼道的路灯不亮了');
    await phone.getByTestId('report-category').waitFor();
    expect(await phone.getByTestId('emergency-call').count()).toBe(0);
    // the same page once it reads as a gas leak
    await phone.getByTestId('report-description').fill('3号楼楼道里有很浓的煤气味');
    const call = phone.getByTestId('emergency-number');
    await call.waitFor();
    expect(await call.textContent()).toBe('拨打 119');
    expect(await call.getAttribute('href')).toBe('tel:119');
    // before anything else: above the page's title, and in sight while the resident types
    const banner = (await phone.getByTestId('emergency-call').boundingBox())!;
    const title = (await phone.locator('h1').boundingBox())!;
    expect(banner.y).toBeLessThan(title.y);
    expect(banner.y).toBeGreaterThanOrEqual(0);
    expect(banner.y + banner.height).toBeLessThanOrEqual(844);
    await phone.screenshot({ path: path.join(shots, 'intake-1-emergency.png') });

    await phone.getByTestId('report-submit').click();
    const code = (await phone.getByTestId('report-code').textContent())!;
    expect(await phone.getByTestId('emergency-number').textContent()).toBe('拨打 119');
    await phone.screenshot({ path: path.join(shots, 'intake-2-emergency-filed.png') });
    const { tickets } = await graphql<{
      tickets: { nodes: { code: string; urgent: boolean; emergencyNumber: string }[] };
    }>(
      `
        query ($q: String!) {
          tickets(filter: { search: $q }, first: 1) {
            nodes {
              code
              urgent
              emergencyNumber
            }
          }
        }
      `,
      {
        q: code,
      },
    );
    expect(tickets.nodes).toEqual([{ code, urgent: true, emergencyNumber: '119' }]);
    await phone.close();
  });

  it('lets a resident follow the ticket a neighbour filed instead of filing it again', async () => {
    const phone = await phonePage();
    await phone.getByTestId('report-name').fill('吴十一');
    await phone.getByTestId('report-phone').fill('13300008888');
    await phone.getByTestId('report-description').fill('楼道里堆了很多纸箱，占用消防通道');
    const offered = phone.getByTestId('existing-ticket');
    await offered.first().waitFor();
    expect(await phone.getByTestId('report-category').textContent()).toContain('消防通道');
    expect(await offered.count()).toBe(1);
    expect(await offered.first().textContent()).toContain('约 30 米');
    expect(await phone.getByTestId('emergency-call').count()).toBe(0);
    await phone.screenshot({ path: path.join(shots, 'intake-3-already-reported.png') });

    await phone.getByTestId('follow-existing').click();
    expect(await phone.getByTestId('report-code').textContent()).toBe('DUP-E2E');
    await phone.screenshot({ path: path.join(shots, 'intake-4-followed.png') });
    // their own link shows the existing ticket; nothing new was filed
    await phone.getByTestId('follow-link').click();
    await phone.getByTestId('follow-page').waitFor();
    expect(await phone.locator('h1').textContent()).toBe('工单 DUP-E2E');
    await phone.screenshot({ path: path.join(shots, 'intake-5-follow-page.png') });
    const { tickets } = await graphql<{
      tickets: { totalCount: number; nodes: { code: string; seconds: number }[] };
    }>(`
      {
        tickets(first: 10, categoryCode: "FIRE_LANE", openOnly: true) {
          totalCount
          nodes {
            code
            seconds
          }
        }
      }
    `);
    expect(tickets.nodes).toEqual([{ code: 'DUP-E2E', seconds: 1 }]);
    await phone.close();
  });

  it('shows staff the likely duplicates of a new report and marks one, with distance and time', async () => {
    // a second neighbour files anyway
    const phone = await phonePage();
    await phone.getByTestId('report-name').fill('郑十二');
    await phone.getByTestId('report-phone').fill('13200009999');
    await phone.getByTestId('report-description').fill('消防通道被纸箱堵住了');
    await phone.getByTestId('existing-ticket').first().waitFor();
    await phone.getByTestId('report-submit').click();
    const code = (await phone.getByTestId('report-code').textContent())!;
    const followUrl = (await phone.getByTestId('follow-link').getAttribute('href'))!;
    const { tickets } = await graphql<{ tickets: { nodes: { id: string }[] } }>(
      `
        query ($q: String!) {
          tickets(filter: { search: $q }, first: 1) {
            nodes {
              id
            }
          }
        }
      `,
      { q: code },
    );
    const staff = await openPage(browser, { viewport: { width: 1400, height: 900 } });
    await staff.goto(`${server.url}/?ticket=${encodeURIComponent(tickets.nodes[0]!.id)}`);
    await submitSignIn(staff, 'fx-command');
    const listed = staff.getByTestId('likely-duplicate');
    await listed.first().waitFor({ timeout: 20_000 });
    expect(await listed.first().textContent()).toMatch(/DUP-E2E 相距 \d+ 米 · .* · 1 人附议/);
    await staff.screenshot({ path: path.join(shots, 'intake-6-likely-duplicates.png') });
    await staff.getByTestId('mark-duplicate').first().click();
    await staff.getByTestId('duplicate-of').waitFor();
    expect(await staff.getByTestId('ticket-status').textContent()).toBe('重复件');
    await staff.screenshot({ path: path.join(shots, 'intake-7-marked-duplicate.png') });
    // the second neighbour's link now says where to follow
    await phone.goto(followUrl);
    await phone.getByTestId('follow-duplicate-of').waitFor();
    expect(await phone.getByTestId('follow-duplicate-of').textContent()).toContain('DUP-E2E');
    await phone.screenshot({ path: path.join(shots, 'intake-8-told-where-to-follow.png') });
    await staff.close();
    await phone.close();
  });
});
