import express from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import type { Database } from '../db';
import { Guard } from '../auth/guard';
import type { Viewer } from '../auth/viewer';
import { badInput, YituError } from '../errors';
import {
  EXPORT_FORMATS,
  EXPORT_KINDS,
  exportPlaces,
  type ExportFormat,
  type ExportKind,
} from '../modules/import/export.service';
import { refuse, refuseFile } from './refuse';

// GET /exports/<kind>.<format>[?region=<region code>] → the file, as an attachment. kind: regions,
// compounds, grids, buildings, property-companies, resources; format: geojson or xlsx. Each
// export and each refusal writes one audit line (kind, format, region, rows).

const ACTION = 'GET /exports';

function requestOf(file: string, region: unknown) {
  const dot = file.lastIndexOf('.');
  const kind = file.slice(0, dot) as ExportKind;
  const format = file.slice(dot + 1) as ExportFormat;
  if (dot < 0 || !EXPORT_KINDS.includes(kind))
    throw badInput('kind', 'UNKNOWN_KIND', `export one of ${EXPORT_KINDS.join(', ')}`);
  if (!EXPORT_FORMATS.includes(format))
    throw badInput('format', 'UNKNOWN_FORMAT', `export as ${EXPORT_FORMATS.join(' or ')}`);
  if (region !== undefined && (typeof region !== 'string' || region.trim() === ''))
    throw badInput('region', 'INVALID_REGION', 'region is one region code');
  return { kind, format, regionCode: region === undefined ? null : region.trim() };
}

export function exportRoutes(
  database: Database,
  viewerOf: (headers: IncomingHttpHeaders, request: string) => Promise<Viewer>,
  now: () => Date,
): express.Router {
  const router = express.Router();
  router.get('/exports/:file', async (req, res) => {
    let viewer: Viewer;
    try {
      viewer = await viewerOf(req.headers, ACTION);
    } catch (error) {
      if (!(error instanceof YituError)) throw error;
      return refuse(res, error);
    }
    const guard = new Guard(viewer, database, now);
    const asked = { file: req.params.file, region: req.query.region ?? null };
    try {
      guard.require('places:read', 'exports');
      const request = requestOf(req.params.file, req.query.region);
      const file = await exportPlaces(database, viewer, { ...request, now: now() });
      await guard.audit({
        action: ACTION,
        target: null,
        result: 'OK',
        details: {
          kind: request.kind,
          format: request.format,
          region: request.regionCode,
          rows: file.rows,
          ...(file.masked.length > 0 ? { masked: file.masked } : {}),
          ...(file.revealed ? { personal: 'unmasked' } : {}),
        },
      });
      res
        .status(200)
        .attachment(file.fileName)
        .type(file.contentType)
        // personal data may be in it: no cache keeps a copy
        .set('cache-control', 'no-store')
        .send(file.body);
    } catch (error) {
      await refuseFile(
        res,
        error,
        (result) => guard.audit({ action: ACTION, result, details: asked }),
        'could not write the export',
      );
    }
  });
  return router;
}
