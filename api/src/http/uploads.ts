import Busboy from 'busboy';
import express from 'express';
import { sql } from 'drizzle-orm';
import type { Database } from '../db';
import { PhotoRejected, storePhoto } from '../modules/photo/photo.service';
import type { PhotoStorage } from '../modules/photo/photo.storage';

// POST /uploads/photos (multipart/form-data, one file field "photo") → 201 {key, url, thumbnailUrl}.
// GET /photos/<key> and /photos/<key>/thumbnail serve them. Errors: {error: {code, message}}.
export function photoRoutes(
  database: Database,
  storage: PhotoStorage,
  maxBytes: number,
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
    const [row] = await database.rows<{ contentType: string }>(
      sql`SELECT content_type AS "contentType" FROM photos WHERE key = ${key}`,
    );
    const bytes = row ? await storage.get(thumbnail ? `${key}.thumb.jpg` : key) : null;
    if (!row || !bytes) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such photo' } });
      return;
    }
    res
      .type(thumbnail ? 'image/jpeg' : row.contentType)
      .set('Cache-Control', 'private, max-age=86400')
      .send(bytes);
  });
  return router;
}
