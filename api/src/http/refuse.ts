import type express from 'express';
import { httpAnswer, type YituError } from '../errors';

/**
 * Answers a request refused outside Apollo (uploads, photos, a body express could not read) as
 * /graphql answers one: the status of its code, Retry-After when it says to wait, the same body.
 */
export function refuse(res: express.Response, error: YituError): void {
  if (res.headersSent) return;
  const { status, headers, body } = httpAnswer(error);
  res.status(status).set(headers).json(body);
}
