import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EN, tr } from './i18n';

// Every text the UI looks up has an English entry, and every entry is still used: a new Chinese
// string without a translation fails here, not in front of an English-speaking user.

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !e.name.includes('.test.') ? [p] : [];
  });
}

const used = new Set(
  sources(__dirname).flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/\btr\('([^']+)'/g)].map((m) => m[1]!),
  ),
);

describe('the English switch', () => {
  it('has an English text for every Chinese text the UI shows', () => {
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((zh) => !(zh in EN))).toEqual([]);
  });

  it('has no English entries nobody uses', () => {
    expect(Object.keys(EN).filter((zh) => !used.has(zh))).toEqual([]);
  });

  it('keeps the placeholders of each text in its English', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [zh, en] of Object.entries(EN)) expect(names(en), zh).toEqual(names(zh));
  });

  it('fills placeholders (Chinese by default)', () => {
    expect(tr('剩余 {n} 小时', { n: 3 })).toBe('剩余 3 小时');
  });
});
