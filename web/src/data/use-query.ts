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
 * Runs a query while its variables are not null, again when they or `refresh` change, and aborts
 * the request it no longer needs. A reload with the same variables keeps the shown data meanwhile.
 */
export function useQuery<Result, Variables>(
  operation: Operation<Result, Variables>,
  variables: Variables | null,
  refresh: unknown = 0,
): Query<Result> {
  // variables by value: a new object with the same content is the same query
  const key = variables === null ? null : JSON.stringify(variables);
  const [answer, setAnswer] = useState<{ key: string; data: Result | null; error: unknown }>();
  const inFlight = useRef<AbortController | null>(null);

  const reload = useCallback(async () => {
    if (key === null) return;
    inFlight.current?.abort();
    const abort = new AbortController();
    inFlight.current = abort;
    // the variables come back from the key, so their type is the caller's; the result's is kept
    const ask = request as (q: string, v: unknown, s: AbortSignal) => Promise<Result>;
    try {
      const data = await ask(operation, JSON.parse(key), abort.signal);
      if (!abort.signal.aborted) setAnswer({ key, data, error: null });
    } catch (error) {
      if (abort.signal.aborted) return;
      setAnswer((old) => ({ key, data: old?.key === key ? old.data : null, error }));
    }
  }, [operation, key]);

  useEffect(() => {
    void reload();
    return () => inFlight.current?.abort();
  }, [reload, refresh]);

  const current = answer?.key === key ? answer : undefined;
  return { data: current?.data ?? null, error: current?.error ?? null, reload };
}
