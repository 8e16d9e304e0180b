import Busboy from 'busboy';
import express from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import type { Database } from '../db';
import { resultOf } from '../auth/audit';
import { Guard } from '../auth/guard';
import type { Viewer } from '../auth/viewer';
import { badInput, ErrorCode, YituError } from '../errors';
import { toGlobalId } from '../graphql/ids';
import { IMPORT_KINDS, type ImportKind } from '../modules/import/fields';
import { importSummary, previewImport } from '../modules/import/import.service';
import { refuse } from './refuse';

// POST /imports (multipart/form-data: fields kind and, optionally, crs; one file field "file")
// → 201 with the dry run's summary and the import's id. The report's details (problems, the
// features for the map) and the apply are GraphQL: DataImport, applyImport, discardImport.

export function importRoutes(
  database: Database,
  maxBytes: number,
  viewerOf: (headers: IncomingHttpHeaders, request: string) => Promise<Viewer>,
  now: () => Date,
): express.Router {
  const router = express.Router();
  router.post('/imports', async (req, res) => {
    let viewer: Viewer;
    try {
      viewer = await viewerOf(req.headers, 'POST /imports');
    } catch (error) {
      req.resume();
      if (!(error instanceof YituError)) throw error;
      return refuse(res, error);
    }
    const guard = new Guard(viewer, database, now);
    const refuseAudited = async (error: YituError, details?: Record<string, unknown>) => {
      req.resume();
      await guard
        .audit({
          action: 'POST /imports',
          result: resultOf(error),
          ...(details ? { details } : {}),
        })
        .catch(() => {});
      refuse(res, error);
    };
    try {
      guard.require('places:write', 'imports');
    } catch (error) {
      return refuseAudited(error as YituError);
    }
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: maxBytes, fields: 5, fieldSize: 1000 },
      });
    } catch {
      return refuseAudited(
        new YituError(
          ErrorCode.BAD_REQUEST,
          'send multipart/form-data with a field kind and a file field named file',
          undefined,
          'NOT_MULTIPART',
        ),
      );
    }
    const fields: Record<string, string> = {};
    let file: { fileName: string; chunks: Buffer[]; truncated: boolean } | undefined;
    busboy.on('field', (name, value) => (fields[name] = value));
    busboy.on('file', (name, stream, info) => {
      if (name !== 'file' || file) return stream.resume();
      const current = {
        fileName: info.filename || 'upload',
        chunks: [] as Buffer[],
        truncated: false,
      };
      file = current;
      stream.on('data', (chunk: Buffer) => current.chunks.push(chunk));
      stream.on('limit', () => (current.truncated = true));
    });
    busboy.on(
      'error',
      () =>
        void refuseAudited(
          new YituError(ErrorCode.BAD_REQUEST, 'malformed multipart body', undefined, 'MALFORMED'),
        ),
    );
    busboy.on('close', async () => {
      const named = {
        fileName: file?.fileName,
        kind: fields.kind,
        crs: fields.crs,
        retireMissing: fields.retireMissing,
      };
      try {
        if (!file) throw badInput('file', 'NO_FILE', 'no file field named file');
        if (file.truncated)
          throw new YituError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            `${file.fileName}: over the ${Math.round(maxBytes / 1024 / 1024)} MB one import takes: split it`,
            'file',
            'TOO_LARGE',
            { limit: maxBytes },
          );
        const kind = fields.kind as ImportKind;
        if (!IMPORT_KINDS.includes(kind))
          throw badInput('kind', 'UNKNOWN_KIND', `kind must be one of ${IMPORT_KINDS.join(', ')}`);
        // "the file is the whole list": what it leaves out is retired (shown in the dry run first)
        const retireMissing = fields.retireMissing ?? 'false';
        if (retireMissing !== 'true' && retireMissing !== 'false')
          throw badInput('retireMissing', 'NOT_BOOLEAN', 'retireMissing is true or false');
        const importId = await previewImport(
          database,
          viewer,
          { fileName: file.fileName, bytes: Buffer.concat(file.chunks) },
          { kind, crs: fields.crs || null, retireMissing: retireMissing === 'true' },
        );
        const summary = await importSummary(database, importId);
        await guard.audit({
          action: 'POST /imports',
          target: `DataImport:${importId}`,
          result: 'OK',
          details: { ...named, rows: summary.rows, errors: summary.errors },
        });
        res.status(201).json({ ...summary, id: toGlobalId('DataImport', importId) });
      } catch (error) {
        if (error instanceof YituError) await refuseAudited(error, named);
        else {
          console.error('import failed', error);
          refuse(res, new YituError(ErrorCode.INTERNAL_SERVER_ERROR, 'could not read the import'));
        }
      }
    });
    req.pipe(busboy);
  });
  return router;
}
