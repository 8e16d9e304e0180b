import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../support/auth';
import { launchChromium, openPage, requireChromium } from '../support/chromium';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';

// The people who do the work on a phone (390 px): community staff invite a volunteer team's
// person, who opens the link, sets a password, signs in, takes the offer and reports it done
// with a photo; the ticket moves on and the record grows by one. Screenshots go to
// tests/artifacts/e2e.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shots = path.join(repoRoot, 'tests/artifacts/e2e', engineName());
const PASSWORD = 'volunteer-pass-2026';

describe(`the people who do the work, on a phone in headless Chromium on ${engineName()}`, () => {
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
    cookie = await signIn(server.url, 'command');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('invited by staff, a volunteer sets a password, takes an offer and finishes it with a photo', async () => {
    // given a repair ticket dispatched to a volunteer team, and an invitation for its person
    const { compounds } = await graphql<{ compounds: { nodes: { code: string }[] } }>(`
      {
        compounds(first: 1) {
          nodes {
            code
          }
        }
      }
    `);
    const { reportTicket } = await graphql<{
      reportTicket: { ticket: { id: string; code: string; version: number } };
    }>(
      `
        mutation ($input: ReportTicketInput!) {
          reportTicket(input: $input) {
            ticket {
              id
              code
              version
            }
          }
        }
      `,
      {
        input: {
          compoundCode: compounds.nodes[0]!.code,
          reporterName: '王五',
          reporterPhone: '13900001111',
          description: '1号楼单元门闭门器坏了',
          buildingNumber: '1',
          categoryCode: 'FACILITY_REPAIR',
          idempotencyKey: `people-e2e-${Date.now()}`,
        },
      },
    );
    const ticket = reportTicket.ticket;
    const { actOnTicket } = await graphql<{ actOnTicket: { version: number } }>(
      `
        mutation ($input: TicketActionInput!) {
          actOnTicket(input: $input) {
            version
          }
        }
      `,
      { input: { ticketId: ticket.id, expectedVersion: ticket.version, action: 'ACCEPT' } },
    );
    const { matchResources } = await graphql<{
      matchResources: { resource: { id: string; mayDecline: boolean } }[];
    }>(
      `
        query ($id: ID!) {
          matchResources(ticketId: $id, first: 10, kind: VOLUNTEER_TEAM) {
            resource {
              id
              mayDecline
            }
          }
        }
      `,
      { id: ticket.id },
    );
    const team = matchResources.find((m) => m.resource.mayDecline)!.resource;
    await graphql(
      `
        mutation ($input: DispatchTicketInput!) {
          dispatchTicket(input: $input) {
            status
          }
        }
      `,
      {
        input: {
          ticketId: ticket.id,
          expectedVersion: actOnTicket.version,
          resourceIds: [team.id],
        },
      },
    );
    const { inviteResourceAccount } = await graphql<{
      inviteResourceAccount: { path: string };
    }>(
      `
        mutation ($input: InviteInput!) {
          inviteResourceAccount(input: $input) {
            path
          }
        }
      `,
      { input: { resourceId: team.id, username: 'xiaoli', displayName: '李志愿' } },
    );

    // when the volunteer opens the link on a phone and sets a password
    const phone = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    phone.on('pageerror', (e) => console.error('page error:', e.message));
    await phone.goto(`${server.url}${inviteResourceAccount.path}`);
    await phone.getByTestId('invite-username').waitFor();
    expect(await phone.getByTestId('invite-username').textContent()).toBe('xiaoli');
    await phone.screenshot({ path: path.join(shots, 'people-1-invite.png'), fullPage: true });
    await phone.getByTestId('invite-password').fill(PASSWORD);
    await phone.getByTestId('invite-password-again').fill(PASSWORD);
    await phone.getByTestId('invite-submit').click();
    // the link's secret leaves the address bar
    await phone.getByTestId('people-sign-in').waitFor();
    expect(phone.url()).toBe(`${server.url}/v/`);
    expect(await phone.getByTestId('people-username').inputValue()).toBe('xiaoli');
    await phone.getByTestId('people-password').fill(PASSWORD);
    await phone.getByTestId('people-sign-in-submit').click();

    // then the offer is there; the volunteer takes it and reports it done with a photo
    const card = phone.getByTestId(`offer-${ticket.code}`);
    await card.waitFor();
    await phone.getByTestId('tab-record').click();
    const servicesBefore = Number(await phone.getByTestId('record-services').textContent());
    await phone.getByTestId('tab-offers').click();
    expect(await card.getByTestId('offer-status').textContent()).toContain('待接单');
    await phone.screenshot({ path: path.join(shots, 'people-2-offers.png'), fullPage: true });
    await card.getByTestId('offer-take').click();
    await card.getByTestId('offer-finish').click();
    const png = await sharp({
      create: { width: 64, height: 48, channels: 3, background: '#5a8' },
    })
      .png()
      .toBuffer();
    await card
      .getByTestId('offer-photo')
      .setInputFiles({ name: 'done.png', mimeType: 'image/png', buffer: png });
    await card.getByTestId('offer-note').fill('已更换闭门器');
    await card.getByTestId('offer-hours').fill('1.5');
    await phone.screenshot({ path: path.join(shots, 'people-3-finish.png'), fullPage: true });
    await card.getByTestId('offer-finish-send').click();
    await card.getByTestId('offer-status').filter({ hasText: '已完成' }).waitFor();
    await phone.screenshot({ path: path.join(shots, 'people-4-done.png'), fullPage: true });
    await phone.getByTestId('tab-record').click();
    await phone
      .getByTestId('record-services')
      .filter({ hasText: String(servicesBefore + 1) })
      .waitFor();
    await phone.screenshot({ path: path.join(shots, 'people-5-record.png'), fullPage: true });
    // the page fits the phone: nothing wider than 390 px
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    // and the ticket moved on, with the photo, for staff to verify
    const { node } = await graphql<{ node: { status: string; photos: unknown[] } }>(
      `
        query ($id: ID!) {
          node(id: $id) {
            ... on Ticket {
              status
              photos {
                url
              }
            }
          }
        }
      `,
      { id: ticket.id },
    );
    expect(node).toMatchObject({ status: 'RESOLVED' });
    expect(node.photos).toHaveLength(1);
  });
});
