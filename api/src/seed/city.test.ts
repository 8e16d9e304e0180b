import { describe, expect, it } from 'vitest';
import { generateCity } from './city';

const asOf = new Date('2026-11-23T00:00:00Z');

describe('generateCity', () => {
  it('is deterministic for a seed and differs for another seed', () => {
    const a = generateCity({ asOf });
    const b = generateCity({ asOf });
    const c = generateCity({ asOf, seed: 7 });
    expect(JSON.stringify(b.compounds)).toBe(JSON.stringify(a.compounds));
    expect(JSON.stringify(b.tickets.slice(0, 50))).toBe(JSON.stringify(a.tickets.slice(0, 50)));
    expect(c.compounds.map((x) => x.name)).not.toEqual(a.compounds.map((x) => x.name));
  });

  it('multiplies the city with scale, keeping codes unique', () => {
    const one = generateCity({ asOf });
    const three = generateCity({ asOf, scale: 3 });
    expect(three.communities.length).toBe(3 * one.communities.length);
    expect(three.compounds.length).toBe(3 * one.compounds.length);
    expect(three.tickets.length).toBe(3 * one.tickets.length);
    for (const list of [three.compounds, three.grids, three.resources, three.tickets]) {
      const codes = list.map((x) => x.code);
      expect(new Set(codes).size).toBe(codes.length);
    }
  });

  it('refuses a scale that is not a positive integer', () => {
    expect(() => generateCity({ scale: 0 })).toThrow(/scale/);
    expect(() => generateCity({ scale: 1.5 })).toThrow(/scale/);
  });

  it('writes rings counter-clockwise (RFC 7946) and closed', () => {
    const city = generateCity({ asOf });
    for (const ring of [
      ...city.communities.map((c) => c.boundary),
      ...city.grids.map((g) => g.boundary),
    ]) {
      expect(ring[0]).toEqual(ring.at(-1));
      let twiceArea = 0;
      for (let i = 0; i < ring.length - 1; i++)
        twiceArea += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
      expect(twiceArea).toBeGreaterThan(0);
    }
  });
});
