import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { settleTimeBudget, timeBudgetOf, withTimeBudget } from '../db/budget';

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
          const budget = timeBudgetOf(error.originalError);
          if (!budget) continue;
          spent = true;
          Object.assign(error.extensions, {
            code: 'TIMEOUT',
            reason: 'TIME_BUDGET',
            limit: budget.budgetMs,
          });
        }
      },
      // first among the plugins: the budget is settled before the audit line is written
      async willSendResponse({ response }) {
        settleTimeBudget();
        if (spent) response.http.status = 503;
      },
    };
  },
};
