import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLClient } from 'graphql-request';
import { sql } from 'drizzle-orm';
import { engineName } from '../support/db';
import { errorOf } from '../support/graphql';
import { clientAs } from '../support/auth';
import { FX, insertFixture } from '../support/fixture';
import { startServer, type RunningServer } from '../support/server';

// A patrol report from the phone (issue 18) names no compound: its GPS point does, snapped by
// PostGIS to the compound it lies in or the nearest within 100 m. Fixture units: 0.001° ≈ 104 m
// of longitude at 20°N; FX-P is x 2..8, y 2..8, FX-Q x 8..12.

const REPORT = `mutation($input: ReportTicketInput!) { reportTicket(input: $input) {
  created ticket { id compound { code } grid { code } location } } }`;

interface Reported {
  reportTicket: {
    created: boolean;
    ticket: {
      id: string;
      compound: { code: string };
      grid: { code: string } | null;
      location: { coordinates: [number, number] };
    };
  };
}

describe(`a patrol report placed by its GPS point on ${engineName()}`, () => {
  let server: RunningServer;
  let command: GraphQLClient;
  let run = 0;
  const patrol = (lon: number, lat: number, over: Record<string, unknown> = {}) =>
    command.request<Reported>(REPORT, {
      input: {
        channel: 'PATROL',
        gridWorkerCode: 'FX-W1',
        reporterName: '巡查员',
        reporterPhone: '13900001111',
        description: '巡查发现：楼道堆物',
        lon,
        lat,
        idempotencyKey: `gps-${run++}-${Date.now()}`,
        ...over,
      },
    });

  beforeAll(async () => {
    server = await startServer({}, async (database) => {
      await insertFixture(database);
      await database.db.execute(sql`
        INSERT INTO grid_workers (code, name, phone, grid_id)
        SELECT 'FX-W1', '测试网格员', '13900001111', id FROM grids WHERE code = 'FX-GA'`);
    });
    command = await clientAs(server.url, 'fx-command');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('takes the compound the point lies in, and keeps the point', async () => {
    const { reportTicket } = await patrol(FX.lon(5), FX.lat(5));
    expect(reportTicket.ticket.compound.code).toBe('FX-P');
    expect(reportTicket.ticket.grid?.code).toBe('FX-GA');
    expect(reportTicket.ticket.location.coordinates[0]).toBeCloseTo(FX.lon(5), 6);
  });

  it('snaps a point in the lane beside a compound onto its edge, within 100 m only', async () => {
    // 0.5 units ≈ 52 m south of FX-P's southern edge (y = 2)
    const near = await patrol(FX.lon(5), FX.lat(1.5));
    expect(near.reportTicket.ticket.compound.code).toBe('FX-P');
    expect(near.reportTicket.ticket.location.coordinates[1]).toBeCloseTo(FX.lat(2), 6);
    // 1.5 units ≈ 167 m south: no compound is that close
    expect(await errorOf(patrol(FX.lon(5), FX.lat(0.5)))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'lon',
      reason: 'OUTSIDE_COMPOUNDS',
    });
  });

  it('still needs a compound or a point, and a QR report still needs its compound', async () => {
    expect(await errorOf(patrol(FX.lon(5), FX.lat(5), { lon: null, lat: null }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'compoundCode',
      reason: 'REQUIRED',
    });
    expect(
      await errorOf(patrol(FX.lon(5), FX.lat(5), { channel: 'STAFF', gridWorkerCode: null })),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'compoundCode', reason: 'REQUIRED' });
  });
});
