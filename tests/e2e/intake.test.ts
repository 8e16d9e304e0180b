import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../support/auth';
import { CHROMIUM, launchChromium, openPage } from '../support/chromium';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';

// The resident's QR page at a phone's width (390 px), used as a person would: an emergency shows
// the number to call before anything else. Screenshots go to tests/artifacts/e2e.

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
    if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`);
    server = await startServer();
    cookie = await signIn(server.url, 'command');
    browser = await launchChromium();
    const { compounds } = await graphql<{ compounds: { nodes: { code: string }[] } }>(`
      {
        compounds(first: 1) {
          nodes {
            code
          }
        }
      }
    `);
    compound = compounds.nodes[0]!.code;
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
});
