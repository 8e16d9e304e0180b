import fs from 'node:fs';
import path from 'node:path';
import { ClientError, GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';
import { anonymousClient, signIn } from '../support/auth';

// A real 2×2 PNG (red pixels), as a phone might send after compression.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEklEQVR4nGN4amn61NKUAUIBACfiBU3O306nAAAAAElFTkSuQmCC',
  'base64',
);
const MAX = 4000;

describe(`photos on ${engineName()}`, () => {
  let server: RunningServer;
  const upload = async (bytes: Buffer, filename = 'photo.jpg', type = 'image/jpeg') => {
    const form = new FormData();
    form.append('photo', new Blob([bytes], { type }), filename);
    const res = await fetch(`${server.url}/uploads/photos`, { method: 'POST', body: form });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { error?: { code: string } },
    };
  };
  const storedFiles = () => {
    const dir = path.join(server.filesDir, 'photos');
    return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).length : 0;
  };

  beforeAll(async () => {
    server = await startServer({ YITU_MAX_PHOTO_BYTES: String(MAX) });
  });
  afterAll(() => server?.stop());

  it('refuses a file that is not an image, whatever its name and declared type, and stores nothing', async () => {
    const before = storedFiles();
    const result = await upload(
      Buffer.from('<script>alert(1)</script> not a photo'),
      'photo.jpg',
      'image/jpeg',
    );
    expect(result).toMatchObject({
      status: 415,
      body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } },
    });
    expect(storedFiles()).toBe(before);
  });

  it('refuses an oversized photo with 413 and stores nothing', async () => {
    const before = storedFiles();
    const big = Buffer.concat([PNG, Buffer.alloc(MAX)]);
    const result = await upload(big, 'big.png', 'image/png');
    expect(result).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    expect(storedFiles()).toBe(before);
  });

  it('stores a photo with a thumbnail and attaches it to a report', async () => {
    const result = await upload(PNG, 'x.bin', 'application/octet-stream'); // content decides, not the name
    expect(result).toMatchObject({
      status: 201,
      body: { contentType: 'image/png', width: 2, height: 2 },
    });
    const thumb = await fetch(`${server.url}${result.body.thumbnailUrl as string}`);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await thumb.arrayBuffer()).subarray(0, 3)).toEqual(
      Buffer.from([0xff, 0xd8, 0xff]),
    );

    // the resident reports anonymously from the QR page; staff work the ticket signed in
    const resident = anonymousClient(server.url);
    const cookie = await signIn(server.url, 'command');
    const client = new GraphQLClient(`${server.url}/graphql`, { headers: { cookie } });
    const compound = await client.request<{ compounds: { nodes: { code: string }[] } }>(
      `{ compounds(first: 1) { nodes { code } } }`,
    );
    const input = {
      compoundCode: compound.compounds.nodes[0]!.code,
      reporterName: '赵六',
      reporterPhone: '13600003333',
      description: '健身器材坏了',
      photoKeys: [result.body.key],
      idempotencyKey: `photo-${Date.now()}`,
    };
    const reported = await resident.request<{
      reportTicket: {
        followToken: string;
        ticket: { photos: { url: string; thumbnailUrl: string }[] };
      };
    }>(
      `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { followToken ticket { photos { url thumbnailUrl } } } }`,
      { input },
    );
    expect(reported.reportTicket.ticket.photos).toEqual([
      { url: `/photos/${result.body.key}`, thumbnailUrl: `/photos/${result.body.key}/thumbnail` },
    ]);
    // The same photo cannot be attached to a second ticket.
    const again = await resident
      .request(
        `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { ticket { id } } }`,
        {
          input: { ...input, idempotencyKey: `photo2-${Date.now()}` },
        },
      )
      .catch((e: ClientError) => e.response.errors![0]!.extensions);
    expect(again).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_PHOTO' });

    // A resolution photo attaches through the RESOLVE step.
    const resolution = await upload(PNG, 'after.png', 'image/png');
    const ticketId = (
      await client.request<{ tickets: { nodes: { id: string }[] } }>(
        `query($s: String!) { tickets(filter: { search: $s }) { nodes { id } } }`,
        { s: '健身器材坏了' },
      )
    ).tickets.nodes[0]!.id;
    const resource = await client.request<{ resources: { nodes: { id: string }[] } }>(
      `{ resources(first: 1) { nodes { id } } }`,
    );
    let version = 1;
    for (const [action, extra] of [
      ['ACCEPT', {}],
      ['DISPATCH', { resourceIds: [resource.resources.nodes[0]!.id] }],
      ['START', {}],
      ['RESOLVE', { photoKeys: [resolution.body.key] }],
    ] as const) {
      version = (
        await client.request<{ actOnTicket: { version: number } }>(
          `mutation($input: TicketActionInput!) { actOnTicket(input: $input) { version } }`,
          { input: { ticketId, expectedVersion: version, action, ...extra } },
        )
      ).actOnTicket.version;
    }
    const photos = await client.request<{ node: { photos: { url: string }[] } }>(
      `query($id: ID!) { node(id: $id) { ... on Ticket { photos { url } } } }`,
      { id: ticketId },
    );
    expect(photos.node.photos.map((p) => p.url)).toEqual([
      `/photos/${result.body.key}`,
      `/photos/${resolution.body.key}`,
    ]);

    // Once on a ticket, a photo is served only to staff whose jurisdiction holds the ticket, or
    // through the resident's private link.
    const photoUrl = `${server.url}/photos/${result.body.key}`;
    expect((await fetch(photoUrl)).status).toBe(401);
    expect((await fetch(photoUrl, { headers: { cookie } })).status).toBe(200);
    const stranger = await signIn(server.url, 'grid');
    const refused = await fetch(`${photoUrl}/thumbnail`, { headers: { cookie: stranger } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const own = reported.reportTicket.followToken;
    expect((await fetch(`${photoUrl}?follow=${own}`)).status).toBe(200);
    const other = await resident.request<{ reportTicket: { followToken: string } }>(
      `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { followToken } }`,
      { input: { ...input, photoKeys: [], idempotencyKey: `photo3-${Date.now()}` } },
    );
    // another ticket's link does not open this photo
    expect((await fetch(`${photoUrl}?follow=${other.reportTicket.followToken}`)).status).toBe(401);
  });
});
