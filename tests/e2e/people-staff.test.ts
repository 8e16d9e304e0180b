import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../support/auth';
import { launchChromium, openPage, signInThroughForm, requireChromium } from '../support/chromium';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';

// The staff side of the people who do the work (issue 18), in headless Chromium: a party member
// registers at the community on a phone (双报到, /v/register), community staff sign in on the
// map, approve the registration from 人员管理 and invite a volunteer team's person, reading the
// one-time link the panel shows. Screenshots go to tests/artifacts/e2e.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shots = path.join(repoRoot, 'tests/artifacts/e2e', engineName());

describe(`staff and party members on the people pages in headless Chromium on ${engineName()}`, () => {
  let server: RunningServer;
  let browser: Browser;
  let cookie: string;
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

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    requireChromium();
    server = await startServer();
    cookie = await signIn(server.url, 'community');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a party member registers on a phone; staff approve from the map and invite a volunteer', async () => {
    // given the community the staff account serves, and a volunteer team of it
    const { viewer } = await graphql<{ viewer: { jurisdictionId: string } }>(`
      {
        viewer {
          jurisdictionId
        }
      }
    `);
    const { node: community } = await graphql<{ node: { code: string; name: string } }>(
      `
        query ($id: ID!) {
          node(id: $id) {
            ... on Region {
              code
              name
            }
          }
        }
      `,
      { id: viewer.jurisdictionId },
    );
    const { resources: teams } = await graphql<{
      resources: { nodes: { id: string; code: string; name: string }[] };
    }>(
      `
        query ($id: ID!) {
          resources(first: 1, kind: VOLUNTEER_TEAM, filter: { regionId: $id }) {
            nodes {
              id
              code
              name
            }
          }
        }
      `,
      { id: viewer.jurisdictionId },
    );
    const team = teams.nodes[0]!;

    // when a party member registers on a phone, claiming a zone on the community's small map
    const phone = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    phone.on('pageerror', (e) => console.error('page error:', e.message));
    await phone.goto(`${server.url}/v/register?community=${encodeURIComponent(community.code)}`);
    await phone.getByTestId('register-page').waitFor();
    await phone.getByTestId('register-name').fill('党员老周');
    await phone.getByTestId('register-unit').fill('区卫健委');
    await phone.getByTestId('register-phone').fill('13611112222');
    await phone.getByTestId('register-skills').getByLabel('维修').check();
    await phone.getByTestId('register-skills').getByLabel('助老').check();
    // a tap on the map claims the zone under the finger (a compound, drawn above the grids)
    await phone.getByTestId('register-zone-map').locator('path.compound').first().tap();
    const claimed = await phone.getByTestId('register-zone').inputValue();
    expect(claimed).not.toBe('');
    await phone.screenshot({
      path: path.join(shots, 'people-staff-1-register.png'),
      fullPage: true,
    });
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await phone.getByTestId('register-submit').click();
    await phone.getByTestId('register-done').waitFor();
    const done = (await phone.getByTestId('register-done').textContent())!;
    expect(done).toContain('审核通过');
    const code = /编号 (\S+?)。/.exec(done)![1]!;
    await phone.screenshot({
      path: path.join(shots, 'people-staff-2-registered.png'),
      fullPage: true,
    });

    // then community staff find it waiting in 人员管理 on the map and approve it
    const staff = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    staff.on('pageerror', (e) => console.error('page error:', e.message));
    await staff.goto(server.url);
    await signInThroughForm(staff, 'community');
    await staff.getByTestId('people-toggle').click();
    const row = staff.locator(`[data-testid="pending-row"][data-code="${code}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('党员老周');
    await staff.screenshot({ path: path.join(shots, 'people-staff-3-pending.png') });
    await row.getByTestId('pending-approve').click();
    await staff.getByTestId('people-approved').filter({ hasText: '党员老周' }).waitFor();
    await row.waitFor({ state: 'detached' });
    const { resources: approved } = await graphql<{
      resources: { nodes: { code: string; approved: boolean; capabilities: string[] }[] };
    }>(
      `
        query ($code: String!) {
          resources(first: 5, filter: { search: $code }) {
            nodes {
              code
              approved
              capabilities
            }
          }
        }
      `,
      {
        code,
      },
    );
    expect(approved.nodes).toEqual([
      { code, approved: true, capabilities: ['repair', 'elderly_care'] },
    ]);

    // and they invite the volunteer team's person, and read the link to send
    await staff.getByTestId('people-tab-resources').click();
    await staff.getByTestId('people-search').fill(team.code);
    await staff.getByTestId('people-search').press('Enter');
    const teamRow = staff.locator(`[data-testid="resource-row"][data-code="${team.code}"]`);
    await teamRow.getByTestId('resource-invite').click();
    await staff.getByTestId('invite-username').fill('laozhou-team');
    await staff.getByTestId('invite-submit').click();
    const link = (await staff.getByTestId('invite-link').textContent())!;
    expect(link).toMatch(new RegExp(`^${server.url}/v/invite#[A-Za-z0-9_-]{20,}$`));
    await staff.screenshot({ path: path.join(shots, 'people-staff-4-invite.png') });
    const { invitation } = await graphql<{
      invitation: { username: string; resourceName: string };
    }>(
      `
        query ($token: String!) {
          invitation(token: $token) {
            username
            resourceName
          }
        }
      `,
      {
        token: link.split('#')[1],
      },
    );
    expect(invitation).toEqual({ username: 'laozhou-team', resourceName: team.name });
  });
});
