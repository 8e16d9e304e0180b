import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { settleTimeBudget, withTimeBudget } from '../db/budget';
import { ErrorCode, formatYituError, HTTP_STATUS, yituErrorOf } from '../errors';

// The time budget of each GraphQL request over HTTP (db/budget.ts): a request stopped at its
// budget answers 503 with code TIMEOUT, reason TIME_BUDGET and the budget as limit (its audit
// line, where one is written, says so too).

/** Runs the rest of the request under budgetMs of database time. */
export const requestTimeBudget =
  (budgetMs: number): RequestHandler =>
  (_req, _res, next) =>
    withTimeBudget(budgetMs, next);

export const timeBudgetPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    let spent = false;
    return {
      async didEncounterErrors({ errors }) {
        for (const error of errors) {
          const refusal = yituErrorOf(error);
          if (refusal?.code !== ErrorCode.TIMEOUT) continue;
          spent = true;
          // its audit line reads the extensions (auth/audit.ts resultOf)
          Object.assign(error.extensions, formatYituError(refusal).extensions);
        }
      },
      // first among the plugins: the budget is settled before the audit line is written
      async willSendResponse({ response }) {
        settleTimeBudget();
        if (spent) response.http.status = HTTP_STATUS[ErrorCode.TIMEOUT];
      },
    };
  },
};
