import express from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import type { Database } from '../db';
import { forbidden, Guard } from '../auth/guard';
import { mayReportOn, ticketScope } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { badInput, ErrorCode, YituError } from '../errors';
import { buildAssessment, storedAssessments } from '../modules/report/assessment';
import { parsePeriod } from '../modules/report/period';
import { reportPlaceKey } from '../modules/report/report.ids';
import { assessmentCsv, assessmentPdf, assessmentXlsx } from '../modules/report/report.files';
import { figuresCsv, figuresXlsx } from '../modules/report/figures.files';
import { countedTickets, periodReport, placeOf } from '../modules/report/report.service';
import { ticketList } from '../modules/report/ticket-list';
import { refuse, refuseFile } from './refuse';

// GET /reports/assessment.<xlsx|csv|pdf>?region=<id>&month=YYYY-MM[&version=n] — the monthly
// assessment, computed now or a kept version; GET /reports/tickets.<xlsx|csv>?[place=<id>]
// &month=… (or quarter, year, from/to)[&status=…][&category=…] — the ticket list, personal
// fields masked by role; GET /reports/figures.<xlsx|csv>?[place=<id>]&month=… (or quarter, year,
// from/to)[&category=…] — the place's period figures (periodReport) against 环比 and 同比, for any
// place kind a report names (region, compound, grid, property company, resource). The place must be the viewer's to report on (auth/policy.ts
// mayReportOn); every file and every refusal writes one audit line.

const ACTION = 'GET /reports';
const TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
} as const;
type Format = keyof typeof TYPES;

const one = (value: unknown, field: string): string | null => {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.trim() === '')
    throw badInput(field, 'INVALID', `${field} is one value`);
  return value.trim();
};

/** The period a file asks for: month, quarter, year, or from with to (period.ts checks). */
const periodOf = (q: express.Request['query']) =>
  parsePeriod({
    month: one(q.month, 'month'),
    quarter: one(q.quarter, 'quarter'),
    year: q.year === undefined ? null : Number(q.year),
    fromDate: one(q.from, 'from'),
    toDate: one(q.to, 'to'),
  });

export function reportRoutes(
  database: Database,
  viewerOf: (headers: IncomingHttpHeaders, request: string) => Promise<Viewer>,
  now: () => Date,
  pdfFont: string,
): express.Router {
  const router = express.Router();
  router.get('/reports/:file', async (req, res) => {
    let viewer: Viewer;
    try {
      viewer = await viewerOf(req.headers, ACTION);
    } catch (error) {
      if (!(error instanceof YituError)) throw error;
      return refuse(res, error);
    }
    const guard = new Guard(viewer, database, now);
    const q = req.query;
    const asked = { file: req.params.file, ...q };
    try {
      guard.require('tickets:read', 'report files');
      const [kind, format] = req.params.file.split('.') as [string, Format];
      if (!(format in TYPES))
        throw badInput('format', 'UNKNOWN_FORMAT', 'a report is xlsx, csv or pdf');
      const placeId = one(
        q[kind === 'assessment' ? 'region' : 'place'],
        kind === 'assessment' ? 'region' : 'place',
      );
      const key = placeId ? reportPlaceKey(placeId) : null;
      const place = key ? await placeOf(database, key.kind, key.pk) : null;
      if (place && !mayReportOn(viewer, place))
        throw forbidden('OUTSIDE_JURISDICTION', `this place's report is outside your jurisdiction`);
      const scope = ticketScope(viewer, now());
      let body: Buffer;
      let name: string;
      const details: Record<string, unknown> = { kind, format, place: placeId };
      if (kind === 'assessment') {
        if (!place || place.kind !== 'Region')
          throw badInput('region', 'REQUIRED', 'name the region assessed');
        const month = one(q.month, 'month') ?? '';
        const version = one(q.version, 'version');
        let content;
        if (version !== null) {
          const kept = (await storedAssessments(database, place.pk, month)).find(
            (v) => String(v.version) === version,
          );
          if (!kept)
            throw new YituError(ErrorCode.NOT_FOUND, `no kept version ${version} of ${month}`);
          content = kept.content;
        } else content = await buildAssessment(database, place.pk, month, scope, now());
        const v = version === null ? null : Number(version);
        body =
          format === 'xlsx'
            ? await assessmentXlsx(content, v)
            : format === 'csv'
              ? assessmentCsv(content)
              : await assessmentPdf(content, v, pdfFont);
        name = `月度考评-${content.unit.name}-${content.period.label}${v ? `-v${v}` : ''}.${format}`;
        Object.assign(details, { month, version: v });
      } else if (kind === 'figures') {
        if (format === 'pdf')
          throw badInput('format', 'UNKNOWN_FORMAT', 'the period figures are xlsx or csv');
        const period = periodOf(q);
        const categoryCode = one(q.category, 'category');
        const { where, subject } = await countedTickets(database, scope, place, categoryCode);
        const report = await periodReport(database, subject, where, period);
        body = format === 'xlsx' ? await figuresXlsx(report) : figuresCsv(report);
        name = `统计报表-${subject.replaceAll(' · ', '-')}-${period.label}.${format}`;
        Object.assign(details, { period: period.label, category: categoryCode });
      } else if (kind === 'tickets') {
        if (format === 'pdf')
          throw badInput('format', 'UNKNOWN_FORMAT', 'a ticket list is xlsx or csv');
        const period = periodOf(q);
        const categoryCode = one(q.category, 'category');
        const { where } = await countedTickets(database, scope, place, categoryCode);
        const list = await ticketList(database, viewer, where, period, {
          status: one(q.status, 'status'),
          format,
        });
        body = list.body;
        name = `工单明细-${place?.name ?? '全部'}-${period.label}.${format}`;
        Object.assign(details, {
          period: period.label,
          status: q.status ?? null,
          category: categoryCode,
          rows: list.rows,
          ...(list.masked.length > 0 ? { masked: list.masked } : {}),
          ...(list.revealed ? { personal: 'unmasked' } : {}),
        });
      } else throw badInput('kind', 'UNKNOWN_KIND', 'report files: assessment, figures or tickets');
      await guard.audit({ action: ACTION, target: placeId, result: 'OK', details });
      res
        .status(200)
        .attachment(name)
        .type(TYPES[format])
        // personal data may be in it: no cache keeps a copy
        .set('cache-control', 'no-store')
        .send(body);
    } catch (error) {
      await refuseFile(
        res,
        error,
        (result) => guard.audit({ action: ACTION, result, details: asked }),
        'could not write the report',
      );
    }
  });
  return router;
}
