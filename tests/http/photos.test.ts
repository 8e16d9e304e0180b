import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ClientError, GraphQLClient } from 'graphql-request';
import sharp from 'sharp';
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

/** A JPEG as a phone writes it: EXIF with the camera and the GPS position where it was taken. */
const phoneJpeg = () =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: '#888' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'YituPhone' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '32/1 41/1 5/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '119/1 0/1 0/1',
      },
    })
    .toBuffer();

/** A JPEG+HTML polyglot: a valid JPEG with a page in a comment segment and after its end. */
async function polyglotJpeg(): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
    .jpeg()
    .toBuffer();
  const html = Buffer.from('<html><script>alert(document.cookie)</script></html>');
  const comment = Buffer.concat([
    Buffer.from([0xff, 0xfe, (html.length + 2) >> 8, (html.length + 2) & 0xff]),
    html,
  ]);
  return Buffer.concat([jpeg.subarray(0, 2), comment, jpeg.subarray(2), html]);
}

/** A 16000×16000 PNG of a few tens of kB (1 bit per pixel, all zero): 256 megapixels. */
function pixelBombPng(side = 16000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc((Math.ceil(side / 8) + 1) * side);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe(`photos on ${engineName()}`, () => {
  let server: RunningServer;
  const upload = async (bytes: Buffer, filename = 'photo.jpg', type = 'image/jpeg') => {
    const form = new FormData();
    form.append('photo', new Blob([bytes], { type }), filename);
    const res = await fetch(`${server.url}/uploads/photos`, { method: 'POST', body: form });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & {
        errors?: { message: string; extensions: { code: string; reason?: string } }[];
      },
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
      body: { errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] },
    });
    expect(storedFiles()).toBe(before);
  });

  it('refuses an oversized photo with 413 and stores nothing', async () => {
    const before = storedFiles();
    const big = Buffer.concat([PNG, Buffer.alloc(MAX)]);
    const result = await upload(big, 'big.png', 'image/png');
    expect(result).toMatchObject({
      status: 413,
      body: { errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] },
    });
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
    expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    const own = reported.reportTicket.followToken;
    expect((await fetch(`${photoUrl}?follow=${own}`)).status).toBe(200);
    const other = await resident.request<{ reportTicket: { followToken: string } }>(
      `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { followToken } }`,
      { input: { ...input, photoKeys: [], idempotencyKey: `photo3-${Date.now()}` } },
    );
    // another ticket's link does not open this photo
    expect((await fetch(`${photoUrl}?follow=${other.reportTicket.followToken}`)).status).toBe(401);
  });
  it('re-encodes a phone photo: the stored and served bytes carry no EXIF, no GPS position', async () => {
    const original = await phoneJpeg();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const result = await upload(original, 'IMG_0001.jpg');
    expect(result).toMatchObject({ status: 201, body: { contentType: 'image/jpeg' } });
    const served = Buffer.from(
      await (await fetch(`${server.url}${result.body.url as string}`)).arrayBuffer(),
    );
    const meta = await sharp(served).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    expect(meta.exif).toBeUndefined();
    expect(served.includes('Exif')).toBe(false);
    expect(served.includes('YituPhone')).toBe(false);
  });

  it('stores a JPEG+HTML polyglot as pixels only, and serves photos with nosniff and no script', async () => {
    const result = await upload(await polyglotJpeg(), 'page.jpg');
    expect(result.status).toBe(201);
    const res = await fetch(`${server.url}${result.body.url as string}`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    const served = Buffer.from(await res.arrayBuffer());
    expect(served.includes('<script')).toBe(false);
    expect(served.includes('<html')).toBe(false);
  });
});

describe(`anonymous upload rules and retention on ${engineName()}`, () => {
  const PER_HOUR = 4;
  const DAY_MS = 24 * 3600_000;
  let server: RunningServer;
  let client = 0;
  // Each test is its own client address, as the proxy in front of the API reports it.
  const nextClient = () => `203.0.113.${++client}`;
  const upload = async (from: string, bytes: Buffer = PNG, cookie?: string) => {
    const form = new FormData();
    form.append('photo', new Blob([bytes], { type: 'image/png' }), 'p.png');
    const res = await fetch(`${server.url}/uploads/photos`, {
      method: 'POST',
      body: form,
      headers: { 'x-forwarded-for': from, ...(cookie ? { cookie } : {}) },
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as {
        key?: string;
        errors?: { message: string; extensions: Record<string, unknown> }[];
      },
    };
  };
  const storedFiles = () => {
    const dir = path.join(server.filesDir, 'photos');
    return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).length : 0;
  };
  const audit = async (action: string) => {
    const admin = new GraphQLClient(`${server.url}/graphql`, {
      headers: { cookie: await signIn(server.url, 'admin') },
    });
    return (
      await admin.request<{ auditLog: { actor: string; target: string | null; result: string }[] }>(
        `query($a: String!) { auditLog(last: 100, action: $a) { actor target result } }`,
        { a: action },
      )
    ).auditLog;
  };
  const refusalsIn = async (result: string) =>
    (await audit('uploadPhoto')).filter((e) => e.result === result).length;

  beforeAll(async () => {
    server = await startServer({
      YITU_TRUST_PROXY_HOPS: '1',
      YITU_ANONYMOUS_UPLOADS_PER_HOUR: String(PER_HOUR),
    });
  });
  afterAll(() => server?.stop());

  it('refuses a 16000×16000 PNG from its header, before decoding, with PIXEL_LIMIT; four at once too', async () => {
    const bomb = pixelBombPng();
    expect(bomb.length).toBeLessThan(100_000);
    const before = storedFiles();
    const audited = await refusalsIn('PAYLOAD_TOO_LARGE PIXEL_LIMIT');
    const results = await Promise.all([1, 2, 3, 4].map(() => upload(nextClient(), bomb)));
    for (const result of results) {
      expect(result).toMatchObject({
        status: 413,
        body: { errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE', reason: 'PIXEL_LIMIT' } }] },
      });
      expect(result.body.errors![0]!.message).toMatch(/16000×16000; at most 64 megapixels/);
    }
    // PIXEL_LIMIT comes only from the header check: a refusal while decoding is UNDECODABLE
    expect(storedFiles()).toBe(before);
    expect(await refusalsIn('PAYLOAD_TOO_LARGE PIXEL_LIMIT')).toBe(audited + 4);
  });

  it(`takes ${PER_HOUR} uploads an hour from one address without an account, then RATE_LIMITED; staff are not limited`, async () => {
    const resident = nextClient();
    for (let i = 0; i < PER_HOUR; i++) expect((await upload(resident)).status).toBe(201);
    const before = storedFiles();
    const audited = await refusalsIn('RATE_LIMITED UPLOAD_RATE');
    const refused = await upload(resident);
    expect(refused).toMatchObject({
      status: 429,
      body: {
        errors: [{ extensions: { code: 'RATE_LIMITED', reason: 'UPLOAD_RATE', limit: PER_HOUR } }],
      },
    });
    expect(Number(refused.retryAfter)).toBeGreaterThan(3000);
    expect(storedFiles()).toBe(before);
    expect(await refusalsIn('RATE_LIMITED UPLOAD_RATE')).toBe(audited + 1);
    // another address, and staff signed in from the same one, still upload
    expect((await upload(nextClient())).status).toBe(201);
    const staff = await signIn(server.url, 'grid');
    expect((await upload(resident, PNG, staff)).status).toBe(201);
  });

  it('refuses anonymous uploads once photos waiting for their report fill the quota; staff still upload', async () => {
    // the photos of the tests above are waiting: a quota of one byte is full
    server = await server.restart({ YITU_UNATTACHED_PHOTO_QUOTA_BYTES: '1' });
    const before = storedFiles();
    const refused = await upload(nextClient());
    expect(refused).toMatchObject({
      status: 429,
      body: { errors: [{ extensions: { code: 'RATE_LIMITED', reason: 'UPLOAD_QUOTA' } }] },
    });
    expect(storedFiles()).toBe(before);
    expect(await refusalsIn('RATE_LIMITED UPLOAD_QUOTA')).toBe(1);
    const staff = await signIn(server.url, 'grid');
    expect((await upload(nextClient(), PNG, staff)).status).toBe(201);
  }, 120_000);

  it('removes photos no ticket took within a day (rows and files), on the product clock; attached ones stay', async () => {
    // the quota of one byte is still full: staff upload these two
    const staff = await signIn(server.url, 'grid');
    const waiting = await upload(nextClient(), PNG, staff);
    const attached = await upload(nextClient(), PNG, staff);
    const command = new GraphQLClient(`${server.url}/graphql`, {
      headers: { cookie: await signIn(server.url, 'command') },
    });
    const compoundCode = (
      await command.request<{ compounds: { nodes: { code: string }[] } }>(
        `{ compounds(first: 1) { nodes { code } } }`,
      )
    ).compounds.nodes[0]!.code;
    const reported = await anonymousClient(server.url).request<{
      reportTicket: { followToken: string };
    }>(`mutation($input: ReportTicketInput!) { reportTicket(input: $input) { followToken } }`, {
      input: {
        compoundCode,
        reporterName: '钱七',
        reporterPhone: '13600004444',
        description: '路灯不亮',
        photoKeys: [attached.body.key],
        idempotencyKey: `retention-${Date.now()}`,
      },
    });
    const photo = (key: string, follow = '') =>
      fetch(`${server.url}/photos/${key}${follow ? `?follow=${follow}` : ''}`);
    const file = (key: string) => path.join(server.filesDir, 'photos', key.slice(0, 2), key);
    expect((await photo(waiting.body.key!)).status).toBe(200);

    // 23 hours on: still kept (the job sweeps at start, before the server is ready)
    server = await server.restart({ YITU_CLOCK_OFFSET_MS: String(DAY_MS - 3600_000) });
    expect((await photo(waiting.body.key!)).status).toBe(200);
    expect(fs.existsSync(file(waiting.body.key!))).toBe(true);

    // 25 hours on: the job's sweep at start removes it, and every other photo no ticket took
    server = await server.restart({ YITU_CLOCK_OFFSET_MS: String(DAY_MS + 3600_000) });
    expect((await photo(waiting.body.key!)).status).toBe(404);
    expect(fs.existsSync(file(waiting.body.key!))).toBe(false);
    expect(fs.existsSync(`${file(waiting.body.key!)}.thumb.jpg`)).toBe(false);
    const follow = reported.reportTicket.followToken;
    expect((await photo(attached.body.key!, follow)).status).toBe(200);
    expect(fs.existsSync(file(attached.body.key!))).toBe(true);
    const [line] = await audit('removeUnattachedPhotos');
    expect(line).toMatchObject({ actor: 'system:photo-retention', result: 'OK' });
    // and the quota is free again
    expect((await upload(nextClient())).status).toBe(201);
  }, 240_000);
});
