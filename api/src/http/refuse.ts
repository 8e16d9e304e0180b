import type express from 'express';
import { resultOf } from '../auth/audit';
import { ErrorCode, httpAnswer, YituError } from '../errors';

/** A /graphql body that is not JSON (an object or a list), read by express or by http/sql-answers.ts. */
export const bodyNotJson = () =>
  new YituError(ErrorCode.BAD_REQUEST, 'the request body is not valid JSON');

/**
 * Answers a request refused outside Apollo (uploads, photos, a body express could not read) as
 * /graphql answers one: the status of its code, Retry-After when it says to wait, the same body.
 */
export function refuse(res: express.Response, error: YituError): void {
  if (res.headersSent) return;
  const { status, headers, body } = httpAnswer(error);
  res.status(status).set(headers).json(body);
}

/**
 * A file route's failure (exports, reports, posters): a refusal is audited with its code and
 * answered as such; anything else goes to the log and is answered as `failed`, nothing more.
 */
export async function refuseFile(
  res: express.Response,
  error: unknown,
  audit: (result: string) => Promise<unknown>,
  failed: string,
): Promise<void> {
  if (error instanceof YituError) {
    await audit(resultOf(error)).catch(() => {});
    return refuse(res, error);
  }
  console.error(`${failed}:`, error);
  refuse(res, new YituError(ErrorCode.INTERNAL_SERVER_ERROR, failed));
}
