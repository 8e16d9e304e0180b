import { describe, expect, it } from 'vitest';
import type { Context } from './context';
import { defineLoader, Loaders } from './loaders';

// Loaders are told apart by their declaration, not by a name: two modules' loaders never share
// answers, one declaration batches a request's keys into one call per variant.

const request = () => ({ loaders: new Loaders() }) as unknown as Context;

describe('defineLoader', () => {
  it('batches one declaration’s keys into one call, per variant', async () => {
    const calls: string[] = [];
    const double = defineLoader<number, number, { times: number }>(
      async (_ctx, keys, { times }) => {
        calls.push(`${times}:${keys.join(',')}`);
        return keys.map((k) => k * times);
      },
      ({ times }) => String(times),
    );
    const ctx = request();
    const answers = await Promise.all([
      double(ctx, { times: 2 }).load(1),
      double(ctx, { times: 2 }).load(2),
      double(ctx, { times: 3 }).load(1),
    ]);
    expect(answers).toEqual([2, 4, 3]);
    expect(calls).toEqual(['2:1,2', '3:1']);
  });

  it('keeps two declarations apart, however alike, and each request to itself', async () => {
    const first = defineLoader<number, string>(async (_ctx, keys) => keys.map((k) => `a${k}`));
    const second = defineLoader<number, string>(async (_ctx, keys) => keys.map((k) => `b${k}`));
    const ctx = request();
    expect(await Promise.all([first(ctx).load(1), second(ctx).load(1)])).toEqual(['a1', 'b1']);
    expect(first(ctx)).toBe(first(ctx));
    expect(first(request())).not.toBe(first(ctx));
  });

  it('asks again after clear(): what a mutation returns is read after it ran', async () => {
    let version = 1;
    const current = defineLoader<number, number>(async (_ctx, keys) => keys.map(() => version));
    const ctx = request();
    expect(await current(ctx).load(7)).toBe(1);
    version = 2;
    expect(await current(ctx).load(7)).toBe(1);
    ctx.loaders.clear();
    expect(await current(ctx).load(7)).toBe(2);
  });
});
