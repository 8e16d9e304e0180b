import Busboy from 'busboy';
import express from 'express';
import { sql } from 'drizzle-orm';
import type { Database } from '../db';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuditEntry } from '../auth/audit';
import { coversTicket, type Viewer } from '../auth/viewer';
import { toGlobalId } from '../graphql/ids';
import { PhotoRejected, storePhoto } from '../modules/photo/photo.service';
import type { PhotoStorage } from '../modules/photo/photo.storage';

// POST /uploads/photos (multipart/form-data, one file field "photo") → 201 {key, url, thumbnailUrl}.
// GET /photos/<key> and /photos/<key>/thumbnail serve them. Errors: {error: {code, message}}.
export function photoRoutes(
  database: Database,
  storage: PhotoStorage,
  maxBytes: number,
  viewerOf: (headers: IncomingHttpHeaders) => Promise<Viewer>,
  audit: (viewer: Viewer, entry: AuditEntry) => Promise<void>,
): express.Router {
  const router = express.Router();
  router.post('/uploads/photos', (req, res) => {
    const fail = (status: number, code: string, message: string) => {
      if (!res.headersSent) res.status(status).json({ error: { code, message } });
    };
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: maxBytes, fields: 0 },
      });
    } catch {
      return fail(400, 'BAD_REQUEST', 'send multipart/form-data with one file field named photo');
    }
    let handled = false;
    busboy.on('file', (name, stream) => {
      if (name !== 'photo' || handled) {
        stream.resume();
        return;
      }
      handled = true;
      const chunks: Buffer[] = [];
      let truncated = false;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => (truncated = true));
      stream.on('end', async () => {
        try {
          if (truncated) {
            fail(
              413,
              'PAYLOAD_TOO_LARGE',
              `photo is over ${Math.round(maxBytes / 1024 / 1024)} MB`,
            );
            return;
          }
          const photo = await storePhoto(database, storage, Buffer.concat(chunks), maxBytes);
          res.status(201).json({
            key: photo.key,
            contentType: photo.contentType,
            width: photo.width,
            height: photo.height,
            url: `/photos/${photo.key}`,
            thumbnailUrl: `/photos/${photo.key}/thumbnail`,
          });
        } catch (error) {
          if (error instanceof PhotoRejected) fail(error.status, error.code, error.message);
          else fail(500, 'INTERNAL_SERVER_ERROR', 'could not store the photo');
        }
      });
    });
    busboy.on('close', () => {
      if (!handled) fail(400, 'BAD_REQUEST', 'no file field named photo');
    });
    busboy.on('error', () => fail(400, 'BAD_REQUEST', 'malformed multipart body'));
    req.pipe(busboy);
  });
  router.get(['/photos/:key', '/photos/:key/thumbnail'], async (req, res) => {
    const key = String(req.params.key);
    const thumbnail = req.path.endsWith('/thumbnail');
    const [row] = await database.rows<{
      contentType: string;
      ticketPk: number | null;
      communityPk: number | null;
      gridPk: number | null;
      level: string;
      followToken: string | null;
    }>(
      sql`SELECT p.content_type AS "contentType", p.ticket_id AS "ticketPk",
            t.community_id AS "communityPk", t.grid_id AS "gridPk", t.level, t.follow_token AS "followToken"
          FROM photos p LEFT JOIN tickets t ON t.id = p.ticket_id WHERE p.key = ${key}`,
    );
    if (row && row.ticketPk !== null) {
      // A ticket's photos: staff whose jurisdiction holds it, or the resident's private link.
      let viewer: Viewer;
      try {
        viewer = await viewerOf(req.headers);
      } catch {
        res
          .status(401)
          .json({ error: { code: 'UNAUTHENTICATED', message: 'invalid credentials' } });
        return;
      }
      const byLink = typeof req.query.follow === 'string' && req.query.follow === row.followToken;
      const byRole =
        viewer.permissions.has('tickets:read') && coversTicket(viewer.jurisdiction, row);
      // a token's every download is audited, as its GraphQL requests are
      if (viewer.via === 'token')
        await audit(viewer, {
          action: 'GET /photos',
          target: toGlobalId('Ticket', row.ticketPk),
          result: byLink || byRole ? 'OK' : 'FORBIDDEN OUTSIDE_JURISDICTION',
        });
      if (!byLink && !byRole) {
        const code = viewer.via === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
        res
          .status(viewer.via === 'anonymous' ? 401 : 403)
          .json({ error: { code, message: 'this photo belongs to a ticket you may not see' } });
        return;
      }
    }
    const bytes = row ? await storage.get(thumbnail ? `${key}.thumb.jpg` : key) : null;
    if (!row || !bytes) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such photo' } });
      return;
    }
    res
      .type(thumbnail ? 'image/jpeg' : row.contentType)
      // a ticket's photo is personal: no cache keeps it after the session ends
      .set('Cache-Control', row.ticketPk === null ? 'private, max-age=86400' : 'private, no-store')
      .send(bytes);
  });
  return router;
}
