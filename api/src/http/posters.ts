import express from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import type { Database } from '../db';
import { Guard } from '../auth/guard';
import { mayPrintPosters } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { badInput, ErrorCode, YituError } from '../errors';
import { posterPdf, posterPng, postersOf } from '../modules/compound/poster.service';
import { refuse, refuseFile } from './refuse';

// QR posters: GET /posters/compounds/<code>.pdf|.png (one compound), GET /posters/regions/<code>.pdf
// (every compound of a community or street, one page each). Who may print is the policy's
// (mayPrintPosters); a bulk print and every refusal write an audit line.

const ACTION = 'GET /posters';

export function posterRoutes(
  database: Database,
  viewerOf: (headers: IncomingHttpHeaders, request: string) => Promise<Viewer>,
  now: () => Date,
  options: { publicBaseUrl: string | null; font: string },
): express.Router {
  const router = express.Router();
  router.get('/posters/:kind/:file', async (req, res) => {
    let viewer: Viewer;
    try {
      viewer = await viewerOf(req.headers, ACTION);
    } catch (error) {
      if (!(error instanceof YituError)) throw error;
      return refuse(res, error);
    }
    const guard = new Guard(viewer, database, now);
    const { kind, file } = req.params;
    const asked = { kind, file };
    try {
      guard.require('places:read', 'posters');
      const match = /^(.+)\.(pdf|png)$/.exec(file);
      if (!match) throw badInput('file', 'UNKNOWN_FORMAT', 'ask for <code>.pdf or <code>.png');
      const [, code, format] = match as unknown as [string, string, 'pdf' | 'png'];
      if (kind !== 'compounds' && kind !== 'regions')
        throw badInput('kind', 'UNKNOWN_KIND', 'posters of compounds/<code> or regions/<code>');
      if (kind === 'regions' && format === 'png')
        throw badInput('file', 'PNG_ONE_POSTER', 'a PNG holds one poster: print a region as PDF');
      const posters = await postersOf(
        database,
        kind === 'compounds' ? { compoundCode: code } : { regionCode: code },
      );
      if (!mayPrintPosters(viewer, [...new Set(posters.map((p) => p.communityPk))], now()))
        throw new YituError(
          ErrorCode.FORBIDDEN,
          'posters are printed by the staff of the community, its street or the district',
          undefined,
          'OUTSIDE_JURISDICTION',
        );
      // behind a proxy the configured public address; else the host the request came in on
      const baseUrl = options.publicBaseUrl ?? `${req.protocol}://${req.get('host')}`;
      const body =
        format === 'png'
          ? await posterPng(posters[0]!, baseUrl)
          : await posterPdf(posters, baseUrl, options.font);
      if (kind === 'regions')
        await guard.audit({
          action: ACTION,
          target: code,
          result: 'OK',
          details: { region: code, posters: posters.length, baseUrl },
        });
      res
        .status(200)
        .type(format === 'png' ? 'image/png' : 'application/pdf')
        .set('content-disposition', `inline; filename="posters-${code}.${format}"`)
        .set('cache-control', 'no-store')
        .send(body);
    } catch (error) {
      await refuseFile(
        res,
        error,
        (result) => guard.audit({ action: ACTION, result, details: asked }),
        'could not draw the poster',
      );
    }
  });
  return router;
}
