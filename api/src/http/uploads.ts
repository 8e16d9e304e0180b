import Busboy from 'busboy';
import express from 'express';
import { sql } from 'drizzle-orm';
import type { Database } from '../db';
import type { IncomingHttpHeaders } from 'node:http';
import { resultOf } from '../auth/audit';
import { Guard } from '../auth/guard';
import { mayReadTicket } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { ErrorCode, YituError } from '../errors';
import { toGlobalId } from '../graphql/ids';
import {
  sizeRefusal,
  storePhoto,
  unattachedPhotoBytes,
  type PhotoLimits,
} from '../modules/photo/photo.service';
import type { PhotoStorage } from '../modules/photo/photo.storage';
import { refuse } from './refuse';

export interface UploadRules extends PhotoLimits {
  /** Upload attempts a client address may make an hour without signing in (per process). */
  anonymousPerHour: number;
  /** Bytes unattached photos may hold before anonymous uploads are refused. */
  unattachedQuotaBytes: number;
}

const badRequest = (reason: string, message: string) =>
  new YituError(ErrorCode.BAD_REQUEST, message, undefined, reason);

const HOUR_MS = 3600_000;

/** Upload attempts per client address in the last hour, kept in this process only. */
function attemptCounter() {
  const attempts = new Map<string, number[]>();
  return (client: string, now: number, limit: number) => {
    if (attempts.size > 10_000)
      for (const [c, times] of attempts) if (times.at(-1)! <= now - HOUR_MS) attempts.delete(c);
    const recent = (attempts.get(client) ?? []).filter((t) => t > now - HOUR_MS);
    if (recent.length >= limit) {
      attempts.set(client, recent);
      return { allowed: false, retryAfterSeconds: Math.ceil((recent[0]! + HOUR_MS - now) / 1000) };
    }
    recent.push(now);
    attempts.set(client, recent);
    return { allowed: true, retryAfterSeconds: 0 };
  };
}

// POST /uploads/photos (multipart/form-data, one file field "photo") → 201 {key, url, thumbnailUrl}.
// GET /photos/<key> and /photos/<key>/thumbnail serve them.
export function photoRoutes(
  database: Database,
  storage: PhotoStorage,
  rules: UploadRules,
  /** Who is asking; the request is named for the audit line of a refused token. */
  viewerOf: (headers: IncomingHttpHeaders, request: string) => Promise<Viewer>,
  now: () => Date,
): express.Router {
  const router = express.Router();
  const countAttempt = attemptCounter();
  router.post('/uploads/photos', async (req, res) => {
    let viewer: Viewer;
    try {
      viewer = await viewerOf(req.headers, 'POST /uploads/photos');
    } catch (error) {
      req.resume();
      if (!(error instanceof YituError)) throw error;
      return refuse(res, error);
    }
    const guard = new Guard(viewer, database, now);
    // every refusal is audited like the API's own (no client address: it is personal data)
    const refuseAudited = async (error: YituError) => {
      req.resume();
      // the refusal changed nothing: it is answered even if the audit line cannot be written
      await guard.audit({ action: 'uploadPhoto', result: resultOf(error) }).catch(() => {});
      refuse(res, error);
    };
    // Residents upload without an account: each address has an hourly rate, and all uploads
    // waiting for their report share a disk quota. Staff and tokens are accountable: exempt.
    if (viewer.via === 'anonymous') {
      const attempt = countAttempt(req.ip ?? 'unknown', Date.now(), rules.anonymousPerHour);
      if (!attempt.allowed)
        return refuseAudited(
          new YituError(
            ErrorCode.RATE_LIMITED,
            `at most ${rules.anonymousPerHour} photos an hour without signing in; try again in ${attempt.retryAfterSeconds} s`,
            undefined,
            'UPLOAD_RATE',
            { limit: rules.anonymousPerHour, retryAfterSeconds: attempt.retryAfterSeconds },
          ),
        );
      if ((await unattachedPhotoBytes(database)) >= rules.unattachedQuotaBytes)
        return refuseAudited(
          new YituError(
            ErrorCode.RATE_LIMITED,
            'too many photos are waiting for their report; try again later',
            undefined,
            'UPLOAD_QUOTA',
            { retryAfterSeconds: 3600 },
          ),
        );
    }
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: rules.maxBytes, fields: 0 },
      });
    } catch {
      return refuseAudited(
        badRequest('NOT_MULTIPART', 'send multipart/form-data with one file field named photo'),
      );
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
          if (truncated) throw sizeRefusal(rules.maxBytes);
          const photo = await storePhoto(database, storage, Buffer.concat(chunks), rules, now());
          await guard.audit({ action: 'uploadPhoto', target: photo.key, result: 'OK' });
          res.status(201).json({
            key: photo.key,
            contentType: photo.contentType,
            width: photo.width,
            height: photo.height,
            url: `/photos/${photo.key}`,
            thumbnailUrl: `/photos/${photo.key}/thumbnail`,
          });
        } catch (error) {
          if (error instanceof YituError) await refuseAudited(error);
          else
            refuse(
              res,
              new YituError(ErrorCode.INTERNAL_SERVER_ERROR, 'could not store the photo'),
            );
        }
      });
    });
    busboy.on('close', () => {
      if (!handled) void refuseAudited(badRequest('NO_PHOTO', 'no file field named photo'));
    });
    busboy.on(
      'error',
      () => void refuseAudited(badRequest('MALFORMED', 'malformed multipart body')),
    );
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
      // a ticket's photos are read as the ticket is (the policy's mayReadTicket)
      let viewer: Viewer;
      try {
        viewer = await viewerOf(req.headers, 'GET /photos');
      } catch (error) {
        // a refused credential answers its own code (401, 429 for a token over its rate);
        // anything else is the server's fault, for the 500 handler
        if (!(error instanceof YituError)) throw error;
        return refuse(res, error);
      }
      const byLink = typeof req.query.follow === 'string' && req.query.follow === row.followToken;
      const allowed = mayReadTicket(viewer, row, now(), { byLink });
      // a token's every download is audited, as its GraphQL requests are
      if (viewer.via === 'token')
        await new Guard(viewer, database, now).audit({
          action: 'GET /photos',
          target: toGlobalId('Ticket', row.ticketPk),
          result: allowed ? 'OK' : 'FORBIDDEN OUTSIDE_JURISDICTION',
        });
      if (!allowed) {
        const anonymous = viewer.via === 'anonymous';
        return refuse(
          res,
          new YituError(
            anonymous ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN,
            'this photo belongs to a ticket you may not see',
          ),
        );
      }
    }
    const bytes = row ? await storage.get(thumbnail ? `${key}.thumb.jpg` : key) : null;
    if (!row || !bytes) {
      return refuse(res, new YituError(ErrorCode.NOT_FOUND, 'no such photo'));
    }
    res
      .type(thumbnail ? 'image/jpeg' : row.contentType)
      // a ticket's photo is personal: no cache keeps it after the session ends
      .set('Cache-Control', row.ticketPk === null ? 'private, max-age=86400' : 'private, no-store')
      // opened on its own, a photo is an image and nothing else: no script, no frame
      .set('Content-Security-Policy', "default-src 'none'; sandbox")
      .send(bytes);
  });
  return router;
}
