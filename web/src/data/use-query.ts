import { useCallback, useEffect, useRef, useState } from 'react';
import type { Operation } from '@yitu/schema';
import { request } from './graphql';

export interface Query<Result> {
  /** The answer for the current variables only: never a previous one's (e.g. another ticket). */
  data: Result | null;
  error: unknown;
  /** Asks again (e.g. after a mutation); resolves when the answer is in. */
  reload: () => Promise<void>;
}

/**
 * Runs a query while its variables are not null, again when they or `refresh` change. Requests
 * for variables no longer wanted are aborted; a reload with the same variables keeps the shown
 * data meanwhile and is not cut short by the next one (a slow query under frequent live events
 * would never finish), but an older answer never replaces a newer one.
 */
export function useQuery<Result, Variables>(
  operation: Operation<Result, Variables>,
  variables: Variables | null,
  refresh: unknown = 0,
): Query<Result> {
  // variables by value: a new object with the same content is the same query
  const key = variables === null ? null : JSON.stringify(variables);
  const [answer, setAnswer] = useState<{ key: string; data: Result | null; error: unknown }>();
  const scope = useRef<AbortController | null>(null); // the current variables' requests
  const asked = useRef(0);
  const shown = useRef(0);

  const reload = useCallback(async () => {
    const signal = scope.current?.signal;
    if (key === null || !signal) return;
    const mine = ++asked.current;
    // the variables come back from the key, so their type is the caller's; the result's is kept
    const ask = request as (q: string, v: unknown, s: AbortSignal) => Promise<Result>;
    const settle = (next: (old: typeof answer) => NonNullable<typeof answer>) => {
      if (signal.aborted || mine < shown.current) return;
      shown.current = mine;
      setAnswer(next);
    };
    try {
      const data = await ask(operation, JSON.parse(key), signal);
      settle(() => ({ key, data, error: null }));
    } catch (error) {
      settle((old) => ({ key, data: old?.key === key ? old.data : null, error }));
    }
  }, [operation, key]);

  // declared before the loading effect: React sets effects up in order
  useEffect(() => {
    const abort = new AbortController();
    scope.current = abort;
    return () => abort.abort();
  }, [reload]);

  useEffect(() => {
    void reload();
  }, [reload, refresh]);

  const current = answer?.key === key ? answer : undefined;
  return { data: current?.data ?? null, error: current?.error ?? null, reload };
}
