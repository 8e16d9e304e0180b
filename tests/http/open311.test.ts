import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '@yitu/api/testing';
import { clientAs, DEMO_PASSWORD, issueToken } from '../support/auth';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';
import { testNow } from '../support/clock';

// Open311 GeoReport v2 over HTTP, as an outside civic tool speaks it: every method in JSON and
// XML (parsed back, and checked well-formed), its errors, the date window, token scopes and
// jurisdiction, and one request filed here that staff take around the loop to closed.

type Format = 'json' | 'xml';
type Row = Record<string, unknown>;

// lists become arrays whatever their length; values stay text, as a client reads them
const xml = new XMLParser({
  isArray: (name) =>
    ['request', 'service', 'error', 'endpoint', 'format', 'attribute'].includes(name),
  parseTagValue: false,
});

interface Answer {
  status: number;
  type: string;
  text: string;
  /** JSON as sent; XML turned into the same shape (the list under its root and item). */
  body: unknown;
  headers: Headers;
}

async function read(response: Response, format: Format): Promise<Answer> {
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  let body: unknown;
  if (format === 'json') body = JSON.parse(text);
  else {
    expect(XMLValidator.validate(text)).toBe(true);
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    body = xml.parse(text);
  }
  return { status: response.status, type, text, body, headers: response.headers };
}

/** A list answer as rows, whichever the format (XML: root → item[]). */
function rows(answer: Answer, root: string, item: string): Row[] {
  if (Array.isArray(answer.body)) return answer.body as Row[];
  const top = (answer.body as Record<string, unknown>)[root];
  return top === '' || top === undefined ? [] : ((top as Record<string, Row[]>)[item] ?? []);
}

const errorsOf = (answer: Answer) => rows(answer, 'errors', 'error');

describe(`Open311 GeoReport v2 on ${engineName()}`, () => {
  let server: RunningServer;
  let writer: string; // the command centre's write:tickets token (the whole district)
  let reader: string; // read:tickets, the whole district
  let communityReader: string; // read:tickets, one community
  let placesOnly: string; // read:places: no tickets
  let command: GraphQLClient;
  let verifier: GraphQLClient;
  let resourceId: string;
  let home: { compound: string; building: string; lon: number; lat: number };
  let away: { compound: string; building: string; lon: number; lat: number };

  const url = (path: string) => `${server.url}/open311/v2/${path}`;
  const get = async (path: string, format: Format, query: Record<string, string> = {}) =>
    read(await fetch(`${url(`${path}.${format}`)}?${new URLSearchParams(query)}`), format);
  const post = async (format: Format, params: Record<string, string>) =>
    read(
      await fetch(url(`requests.${format}`), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params),
      }),
      format,
    );
  const report = (over: Record<string, string> = {}) => ({
    api_key: writer,
    service_code: 'SANITATION',
    address_id: home.compound,
    description: '垃圾三天没有清运',
    ...over,
  });

  /** A compound of the community a demo account works in, with a building and its point. */
  async function placeOf(username: string) {
    const client = await clientAs(server.url, username);
    const { viewer } = await client.request<{ viewer: { jurisdictionId: string } }>(
      `{ viewer { jurisdictionId } }`,
    );
    const { compounds } = await client.request<{
      compounds: {
        nodes: {
          code: string;
          buildings: { nodes: { number: string; location: { coordinates: [number, number] } }[] };
        }[];
      };
    }>(
      `query($r: ID!) { compounds(first: 1, filter: { regionId: $r }) {
        nodes { code buildings(first: 1) { nodes { number location } } } } }`,
      { r: viewer.jurisdictionId },
    );
    const compound = compounds.nodes[0]!;
    const building = compound.buildings.nodes[0]!;
    const [lon, lat] = building.location.coordinates;
    return { compound: compound.code, building: building.number, lon, lat };
  }

  beforeAll(async () => {
    server = await startServer({}, (database) =>
      createAccount(database, {
        username: 'verifier',
        displayName: '核查员',
        role: 'STREET_STAFF',
        password: DEMO_PASSWORD,
      }).then(() => undefined),
    );
    [writer, reader, communityReader, placesOnly] = await Promise.all([
      issueToken(server.url, { username: 'command', scopes: ['write:tickets'] }),
      issueToken(server.url, { username: 'command', scopes: ['read:tickets'] }),
      issueToken(server.url, { username: 'community', scopes: ['read:tickets'] }),
      issueToken(server.url, { username: 'command', scopes: ['read:places'] }),
    ]);
    command = await clientAs(server.url, 'command');
    verifier = await clientAs(server.url, 'verifier');
    home = await placeOf('community');
    away = await placeOf('community2');
    const { resources } = await command.request<{ resources: { nodes: { id: string }[] } }>(
      `{ resources(first: 1, kind: DEPARTMENT) { nodes { id } } }`,
    );
    resourceId = resources.nodes[0]!.id;
  });
  afterAll(() => server?.stop());

  it.each(['json', 'xml'] as const)('answers service discovery in %s', async (format) => {
    const answer = await get('discovery', format);
    expect(answer.status).toBe(200);
    expect(answer.type).toContain(format === 'json' ? 'application/json' : 'text/xml');
    const discovery = (
      format === 'json' ? answer.body : (answer.body as { discovery: unknown }).discovery
    ) as { changeset: string; endpoints: unknown };
    expect(discovery.changeset).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const endpoints =
      format === 'json'
        ? (discovery.endpoints as Row[])
        : (discovery.endpoints as { endpoint: Row[] }).endpoint;
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: `${server.url}/open311/v2`,
      type: 'production',
    });
    const formats =
      format === 'json'
        ? endpoints[0]!.formats
        : (endpoints[0]!.formats as { format: string[] }).format;
    expect(formats).toEqual(['text/xml', 'application/json']);
  });

  it.each(['json', 'xml'] as const)('lists the categories as services in %s', async (format) => {
    const answer = await get('services', format);
    expect(answer.status).toBe(200);
    const services = rows(answer, 'services', 'service');
    expect(services).toHaveLength(16);
    const parking = services.find((s) => s.service_code === 'PARKING');
    expect(parking).toMatchObject({
      service_name: '停车管理 Parking',
      keywords: '乱停乱放, 停车难, 车位被占',
      group: '小区 Compound',
      type: 'realtime',
      metadata: format === 'json' ? false : 'false',
    });
    expect(String(parking!.description)).toContain('40 个工作小时内办结');
  });

  it.each(['json', 'xml'] as const)(
    'answers a service definition in %s, and 404 for an unknown service',
    async (format) => {
      const answer = await get('services/NOISE', format);
      expect(answer.status).toBe(200);
      if (format === 'json') expect(answer.body).toEqual({ service_code: 'NOISE', attributes: [] });
      else
        expect(answer.body).toMatchObject({
          service_definition: { service_code: 'NOISE', attributes: '' },
        });
      const unknown = await get('services/NO_SUCH', format);
      expect(unknown.status).toBe(404);
      expect(errorsOf(unknown)).toEqual([
        { code: format === 'json' ? 404 : '404', description: 'no service NO_SUCH' },
      ]);
    },
  );

  it.each(['json', 'xml'] as const)(
    'files a request in %s by address_id, building or lat/long, echoing no personal data',
    async (format) => {
      const personal = {
        first_name: '三',
        last_name: '张',
        phone: '13912345678',
        email: 'zhang.san@example.com',
      };
      const byCompound = await post(format, report(personal));
      expect(byCompound.status).toBe(201);
      const [created] = rows(byCompound, 'service_requests', 'request');
      expect(created!.service_request_id).toMatch(/^T\d{8}-\d{6}$/);
      expect(String(created!.service_notice)).toContain('16 个工作小时内办结');
      const byBuilding = await post(
        format,
        report({
          address_id: `${home.compound}/${home.building}`,
          service_code: 'FACILITY_REPAIR',
        }),
      );
      const byPoint = await post(
        format,
        report({ address_id: '', lat: String(home.lat), long: String(home.lon) }),
      );
      expect([byBuilding.status, byPoint.status]).toEqual([201, 201]);
      const ids = [byCompound, byBuilding, byPoint].map(
        (a) => rows(a, 'service_requests', 'request')[0]!.service_request_id as string,
      );
      const back = await get('requests', format, {
        api_key: reader,
        service_request_id: ids.join(','),
      });
      expect(back.status).toBe(200);
      const found = rows(back, 'service_requests', 'request');
      expect(found.map((r) => r.service_request_id).sort()).toEqual([...ids].sort());
      const building = found.find((r) => r.service_request_id === ids[1])!;
      expect(building).toMatchObject({
        status: 'open',
        status_notes: '待受理 Awaiting acceptance',
        service_code: 'FACILITY_REPAIR',
        address_id: `${home.compound}/${home.building}`,
        agency_responsible: '小区 Compound',
      });
      expect(String(building.address)).toContain(`${home.building}号楼`);
      expect(String(building.requested_datetime)).toMatch(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/,
      );
      expect(String(building.expected_datetime)).toMatch(/\+08:00$/);
      const point = found.find((r) => r.service_request_id === ids[2])!;
      expect(point.address_id).toMatch(new RegExp(`^${home.compound}`));
      expect(Number(point.lat)).toBeCloseTo(home.lat, 5);
      // the reporter's name, phone and email are in no answer, in either format
      for (const text of [byCompound.text, back.text])
        for (const value of ['张三', '13912345678', 'zhang.san', '1391234'])
          expect(text).not.toContain(value);
    },
  );

  it('takes a JSON body too, with lat and long as numbers, and answers an empty list in XML', async () => {
    const response = await fetch(url('requests.json'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...report({ address_id: '' }), lat: home.lat, long: home.lon }),
    });
    expect(response.status).toBe(201);
    const empty = await get('requests', 'xml', {
      api_key: reader,
      service_request_id: 'T19990101-000001',
    });
    expect(empty.status).toBe(200);
    expect(rows(empty, 'service_requests', 'request')).toEqual([]);
  });

  it('keeps the reporter’s contact as personal data: staff see it masked, the audit log never', async () => {
    const filed = await post(
      'json',
      report({ phone: '13912345678', last_name: '李', first_name: '四' }),
    );
    const id = rows(filed, 'service_requests', 'request')[0]!.service_request_id as string;
    const { tickets } = await command.request<{
      tickets: {
        nodes: { code: string; channel: string; reporterName: string; reporterPhone: string }[];
      };
    }>(
      `query($s: String!) { tickets(first: 1, filter: { search: $s }) { nodes { code channel reporterName reporterPhone } } }`,
      { s: id },
    );
    expect(tickets.nodes[0]).toMatchObject({
      code: id,
      channel: 'OPEN311',
      reporterName: '李四',
      reporterPhone: '139****5678',
    });
    const admin = await clientAs(server.url, 'admin');
    const { auditLog } = await admin.request<{
      auditLog: { action: string; result: string; details: string }[];
    }>(`{ auditLog(last: 20, action: "POST /open311/v2/requests") { action result details } }`);
    expect(auditLog.length).toBeGreaterThan(0);
    expect(auditLog.at(-1)!.result).toBe('OK');
    expect(JSON.stringify(auditLog)).not.toContain('13912345678');
    expect(JSON.stringify(auditLog)).not.toContain('李');
  });

  it.each(['json', 'xml'] as const)(
    'refuses bad reports in %s with a 400 naming the parameter',
    async (format) => {
      const cases: [Record<string, string>, string][] = [
        [report({ service_code: '' }), 'service_code REQUIRED'],
        [report({ service_code: 'NO_SUCH' }), 'service_code UNKNOWN_SERVICE'],
        [report({ address_id: '', lat: String(home.lat) }), 'long PAIR'],
        [report({ address_id: '' }), 'lat LOCATION_REQUIRED'],
        [report({ address_id: '', lat: '0', long: '0' }), 'lat OUTSIDE_COMPOUNDS'],
        [report({ lat: '91', long: '120' }), 'lat OUT_OF_RANGE'],
        [report({ address_id: 'NOPE-1' }), 'address_id UNKNOWN_ADDRESS'],
        [report({ address_id: `${home.compound}/999` }), 'address_id UNKNOWN_ADDRESS'],
        [report({ description: ' ' }), 'description EMPTY'],
        [report({ phone: '12345' }), 'phone FORMAT'],
        [report({ email: 'not-an-email' }), 'email FORMAT'],
        [report({ media_url: 'file:///etc/passwd' }), 'media_url FORMAT'],
        [report({ 'attribute[WHERE]': 'x' }), 'attribute[WHERE] UNKNOWN_ATTRIBUTE'],
      ];
      const lastHour = {
        api_key: reader,
        start_date: new Date(testNow().getTime() - 3_600_000).toISOString(),
      };
      const before = await get('requests', 'json', lastHour);
      for (const [params, why] of cases) {
        const answer = await post(format, params);
        expect(answer.status, why).toBe(400);
        const [error] = errorsOf(answer);
        expect(String(error!.code)).toBe('400');
        expect(String(error!.description)).toContain(`(${why})`);
      }
      // nothing was filed
      const after = await get('requests', 'json', lastHour);
      expect(rows(after, '', '').length).toBe(rows(before, '', '').length);
    },
  );

  it.each(['json', 'xml'] as const)(
    'refuses a missing, bad or read-only key in %s with 403',
    async (format) => {
      for (const key of [undefined, 'yt_not-a-real-token-at-all', reader, placesOnly]) {
        const answer = await post(format, { ...report(), api_key: key ?? '' });
        expect(answer.status, String(key)).toBe(403);
        expect(String(errorsOf(answer)[0]!.code)).toBe('403');
      }
    },
  );

  it.each(['json', 'xml'] as const)(
    'reads requests in %s only with read:tickets',
    async (format) => {
      for (const key of [undefined, placesOnly]) {
        const answer = await get('requests', format, key ? { api_key: key } : {});
        expect(answer.status).toBe(403);
        expect(String(errorsOf(answer)[0]!.description)).toContain('read:tickets');
      }
      // the Authorization header other token clients send works as api_key does
      const header = await fetch(url(`requests.${format}?page_size=1`), {
        headers: { authorization: `Bearer ${reader}` },
      });
      expect(header.status).toBe(200);
    },
  );

  it.each(['json', 'xml'] as const)(
    'keeps to the date window in %s: 90 days at most, the last 90 by default, 1,000 at most',
    async (format) => {
      const all = rows(
        await get('requests', format, { api_key: reader }),
        'service_requests',
        'request',
      );
      expect(all.length).toBeGreaterThan(0);
      expect(all.length).toBeLessThanOrEqual(1000);
      const now = testNow().getTime();
      for (const r of all) {
        const at = Date.parse(String(r.requested_datetime));
        expect(at).toBeGreaterThanOrEqual(now - 90 * 86_400_000 - 60_000);
      }
      const times = all.map((r) => Date.parse(String(r.requested_datetime)));
      expect(times).toEqual([...times].sort((a, b) => b - a)); // newest first
      const tooWide = await get('requests', format, {
        api_key: reader,
        start_date: '2026-01-01T00:00:00+08:00',
        end_date: '2026-04-02T00:00:00+08:00',
      });
      expect(tooWide.status).toBe(400);
      expect(String(errorsOf(tooWide)[0]!.description)).toContain('(end_date WINDOW)');
      const badDate = await get('requests', format, { api_key: reader, start_date: 'yesterday' });
      expect(badDate.status).toBe(400);
      expect(String(errorsOf(badDate)[0]!.description)).toContain('(start_date FORMAT)');
      // a window ending before today's reports holds none of them
      const filed = rows(await post(format, report()), 'service_requests', 'request')[0]!;
      const id = String(filed.service_request_id);
      const iso = (ms: number) => new Date(ms).toISOString();
      const earlier = rows(
        await get('requests', format, {
          api_key: reader,
          start_date: iso(now - 30 * 86_400_000),
          end_date: iso(now - 86_400_000),
        }),
        'service_requests',
        'request',
      );
      expect(earlier.map((r) => r.service_request_id)).not.toContain(id);
      const recent = rows(
        await get('requests', format, {
          api_key: reader,
          start_date: iso(now - 3_600_000),
          service_code: 'SANITATION',
          status: 'open',
        }),
        'service_requests',
        'request',
      );
      expect(recent.map((r) => r.service_request_id)).toContain(id);
      expect(new Set(recent.map((r) => r.service_code))).toEqual(new Set(['SANITATION']));
      const closed = rows(
        await get('requests', format, {
          api_key: reader,
          start_date: iso(now - 3_600_000),
          status: 'closed',
        }),
        'service_requests',
        'request',
      );
      expect(closed.map((r) => r.service_request_id)).not.toContain(id);
      const page = rows(
        await get('requests', format, { api_key: reader, page_size: '2' }),
        'service_requests',
        'request',
      );
      expect(page).toHaveLength(2);
    },
  );

  it.each(['json', 'xml'] as const)(
    'answers a community’s token only its own community’s requests in %s',
    async (format) => {
      const mine = rows(await post(format, report()), 'service_requests', 'request')[0]!;
      const theirs = rows(
        await post(format, report({ address_id: away.compound })),
        'service_requests',
        'request',
      )[0]!;
      const seen = rows(
        await get('requests', format, {
          api_key: communityReader,
          service_request_id: `${mine.service_request_id},${theirs.service_request_id}`,
        }),
        'service_requests',
        'request',
      );
      expect(seen.map((r) => r.service_request_id)).toEqual([mine.service_request_id]);
      const own = await get(`requests/${mine.service_request_id}`, format, {
        api_key: communityReader,
      });
      expect(own.status).toBe(200);
      const other = await get(`requests/${theirs.service_request_id}`, format, {
        api_key: communityReader,
      });
      expect(other.status).toBe(403);
      expect(String(errorsOf(other)[0]!.description)).toContain('OUTSIDE_JURISDICTION');
      const none = await get('requests/T19990101-000001', format, { api_key: reader });
      expect(none.status).toBe(404);
      const list = rows(
        await get('requests', format, { api_key: communityReader }),
        'service_requests',
        'request',
      );
      expect(list.map((r) => r.service_request_id)).not.toContain(theirs.service_request_id);
    },
  );

  it.each(['json', 'xml'] as const)(
    'answers tokens in %s: none is handed out, so 404',
    async (format) => {
      const answer = await get('tokens/12345', format, { api_key: reader });
      expect(answer.status).toBe(404);
      expect(String(errorsOf(answer)[0]!.description)).toContain('service_request_id');
      const anonymous = await get('tokens/12345', format);
      expect(anonymous.status).toBe(403);
      const wrong = await get('nothing', format);
      expect(wrong.status).toBe(404);
      expect(String(errorsOf(wrong)[0]!.code)).toBe('404');
    },
  );

  it('counts a token’s requests against its rate, as on /graphql', async () => {
    const limited = await issueToken(server.url, {
      username: 'command',
      scopes: ['read:tickets'],
      ratePerMinute: 2,
    });
    const statuses: number[] = [];
    let last: Answer | null = null;
    for (let i = 0; i < 3; i++) {
      last = await get('requests', 'xml', { api_key: limited, page_size: '1' });
      statuses.push(last.status);
    }
    // the minute may turn between two requests: then the count starts again
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    if (statuses[2] === 429) {
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(String(errorsOf(last!)[0]!.code)).toBe('429');
    }
    expect(
      statuses.filter((s) => s === 429).length + statuses.filter((s) => s === 200).length,
    ).toBe(3);
  });

  it('takes a request filed through Open311 around the loop and reads it back closed', async () => {
    const filed = await post(
      'json',
      report({ service_code: 'ILLEGAL_WIRING', description: '楼道飞线充电' }),
    );
    expect(filed.status).toBe(201);
    const code = String(rows(filed, 'service_requests', 'request')[0]!.service_request_id);
    const { tickets } = await command.request<{
      tickets: { nodes: { id: string; version: number; resolveBy: string }[] };
    }>(
      `query($s: String!) { tickets(first: 1, filter: { search: $s }) { nodes { id version resolveBy } } }`,
      {
        s: code,
      },
    );
    const ticket = tickets.nodes[0]!;
    const act = (client: GraphQLClient, version: number, action: string) =>
      client.request<{ actOnTicket: { version: number } }>(
        `mutation($input: TicketActionInput!) { actOnTicket(input: $input) { version } }`,
        {
          input: {
            ticketId: ticket.id,
            expectedVersion: version,
            action,
            ...(action === 'DISPATCH' ? { resourceIds: [resourceId] } : {}),
          },
        },
      );
    let version = ticket.version;
    for (const action of ['ACCEPT', 'DISPATCH'])
      version = (await act(command, version, action)).actOnTicket.version;
    const dispatched = rows(await get(`requests/${code}`, 'json', { api_key: reader }), '', '')[0]!;
    expect(dispatched).toMatchObject({
      status: 'open',
      status_notes: '已派单 Dispatched',
      agency_responsible: '职能部门 Department',
    });
    // to the second, as GeoReport writes times
    expect(Date.parse(String(dispatched.expected_datetime))).toBe(
      Math.floor(Date.parse(ticket.resolveBy) / 1000) * 1000,
    );
    for (const [who, action] of [
      [command, 'START'],
      [command, 'RESOLVE'],
      [verifier, 'VERIFY_PASS'],
      [command, 'CLOSE'],
    ] as const)
      version = (await act(who, version, action)).actOnTicket.version;
    const closed = await get(`requests/${code}`, 'xml', { api_key: reader });
    expect(closed.status).toBe(200);
    expect(rows(closed, 'service_requests', 'request')[0]).toMatchObject({
      service_request_id: code,
      status: 'closed',
      status_notes: '已归档 Closed',
    });
  });

  // last: it restarts the server
  it('stops a request at its time budget with 503, filing nothing', async () => {
    const lastHour = {
      api_key: reader,
      start_date: new Date(testNow().getTime() - 3_600_000).toISOString(),
    };
    const before = rows(await get('requests', 'json', lastHour), '', '').length;
    // a budget of 1 ms: the first statement spends it, every later one is refused
    server = await server.restart({ YITU_TIME_BUDGET_MS: '1' });
    const answer = await post('xml', report());
    server = await server.restart({ YITU_TIME_BUDGET_MS: '5000' });
    expect(answer.status).toBe(503);
    expect(errorsOf(answer)[0]).toMatchObject({ code: '503' });
    expect(String(errorsOf(answer)[0]!.description)).toContain('TIME_BUDGET');
    expect(rows(await get('requests', 'json', lastHour), '', '').length).toBe(before);
  }, 240_000);
});
