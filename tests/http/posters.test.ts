import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAs, signIn } from '../support/auth';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';

// QR posters: the PDF is rendered to PNG by poppler (pdftoppm) and its QR code decoded (jsQR)
// back to the compound's URL under the configured public base URL.

const BASE = 'https://yitu.example.org/sq';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'yitu-posters-'));

/** The QR code in a PNG, decoded. */
function qrOf(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

/** Every page of a PDF as PNGs, by pdftoppm. */
function pagesOf(pdf: Buffer, name: string): Buffer[] {
  const file = path.join(scratch, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-r', '100', '-png', file, path.join(scratch, name)]);
  return fs
    .readdirSync(scratch)
    .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))
    .sort()
    .map((f) => fs.readFileSync(path.join(scratch, f)));
}

describe(`QR posters on ${engineName()}`, () => {
  let server: RunningServer;
  let cookie: string;
  let compound: { code: string; community: { code: string; compounds: { totalCount: number } } };
  let community2: string;
  const get = (url: string, who = cookie) =>
    fetch(`${server.url}${url}`, { headers: who ? { cookie: who } : {} });

  beforeAll(async () => {
    server = await startServer({ YITU_PUBLIC_BASE_URL: `${BASE}/` });
    cookie = await signIn(server.url, 'command');
    // a compound of the demo account community2's community
    community2 = await signIn(server.url, 'community2');
    const { viewer } = await (
      await clientAs(server.url, 'community2')
    ).request<{ viewer: { jurisdictionId: string } }>(`{ viewer { jurisdictionId } }`);
    const data = await (
      await clientAs(server.url, 'command')
    ).request<{
      node: { code: string; compounds: { totalCount: number; nodes: { code: string }[] } };
    }>(
      `query($id: ID!) { node(id: $id) { ... on Region { code compounds(first: 1) { totalCount nodes { code } } } } }`,
      { id: viewer.jurisdictionId },
    );
    compound = {
      code: data.node.compounds.nodes[0]!.code,
      community: {
        code: data.node.code,
        compounds: { totalCount: data.node.compounds.totalCount },
      },
    };
  });
  afterAll(() => server?.stop());

  it('prints one compound’s poster whose QR code leads to its report page', async () => {
    const res = await get(`/posters/compounds/${compound.code}.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    // the Chinese font is embedded (a subset), so it prints the same anywhere
    expect(execFileSync('pdffonts', ['-'], { input: pdf }).toString()).toMatch(
      /NotoSansCJKsc-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/,
    );
    const [page] = pagesOf(pdf, 'one');
    fs.copyFileSync(path.join(scratch, 'one-1.png'), path.join(os.tmpdir(), 'yitu-poster-one.png'));
    expect(qrOf(page!)).toBe(`${BASE}/r/${compound.code}`);
    // the same as a PNG
    const png = await get(`/posters/compounds/${compound.code}.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(qrOf(Buffer.from(await png.arrayBuffer()))).toBe(`${BASE}/r/${compound.code}`);
  });

  it('prints all of a community’s posters in one PDF, a page each, with an audit line', async () => {
    const res = await get(`/posters/regions/${compound.community.code}.pdf`);
    expect(res.status).toBe(200);
    const pdf = Buffer.from(await res.arrayBuffer());
    // read the audit log before the slow rendering: an idle keep-alive socket may close meanwhile
    const audit = await (
      await clientAs(server.url, 'admin')
    ).request<{
      auditLog: { action: string; target: string; details: unknown }[];
    }>(`{ auditLog(last: 20) { action target details } }`);
    const pages = pagesOf(pdf, 'all');
    expect(pages.length).toBe(compound.community.compounds.totalCount);
    expect(qrOf(pages[0]!)).toMatch(new RegExp(`^${BASE}/r/\\d+$`));
    const line = audit.auditLog.find(
      (a) => a.action === 'GET /posters' && a.target === compound.community.code,
    );
    expect(JSON.parse(String(line?.details))).toMatchObject({ posters: pages.length });
  });

  it('refuses without sign-in, outside the jurisdiction, and for unknown codes', async () => {
    expect((await get(`/posters/compounds/${compound.code}.pdf`, '')).status).toBe(401);
    // the community's own staff print its posters; another community's staff do not
    expect((await get(`/posters/regions/${compound.community.code}.pdf`, community2)).status).toBe(
      200,
    );
    const other = await signIn(server.url, 'community');
    const refused = await get(`/posters/regions/${compound.community.code}.pdf`, other);
    expect(refused.status).toBe(403);
    expect((await get(`/posters/compounds/${compound.code}.png`, other)).status).toBe(403);
    const unknown = await get('/posters/compounds/NO-SUCH.pdf');
    expect(unknown.status).toBe(400);
    expect(
      ((await unknown.json()) as { errors: { extensions: { reason: string } }[] }).errors[0]!
        .extensions.reason,
    ).toBe('UNKNOWN_COMPOUND');
    expect((await get(`/posters/regions/${compound.community.code}.png`)).status).toBe(400);
  });
});
