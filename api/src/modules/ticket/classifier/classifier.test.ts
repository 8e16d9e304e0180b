import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classify, normalise, priors, train, type Example } from './classifier';
import { readDataset } from './dataset';
import { evaluate } from './evaluate';
import { DEFAULT_TRAIN_OPTIONS, loadDefaultClassifier, suggestCategory } from './index';
import { DEFAULT_KEYWORDS } from './keywords';

const here = path.dirname(fileURLToPath(import.meta.url));
const taxonomy = (
  JSON.parse(fs.readFileSync(path.join(here, '../../../seed/data/categories.json'), 'utf8')) as {
    categories: { code: string; zh: string; examples_zh: string[] }[];
  }
).categories;

const trainSet = readDataset('train');
const heldout = readDataset('heldout');

describe('train / classify on a tiny hand-made set', () => {
  it('gives the hand-computed posterior (Laplace smoothing, unigrams only)', () => {
    // V = {a, b}; P(a|X) = (1+1)/(1+2) = 2/3, P(a|Y) = (0+1)/(1+2) = 1/3; equal priors.
    const model = train(
      [
        { text: 'a', category: 'X' },
        { text: 'b', category: 'Y' },
      ],
      { alpha: 1, bigramWeight: 0 },
    );
    const [first, second] = classify(model, 'a', 2);
    expect(first?.categoryCode).toBe('X');
    expect(first?.confidence).toBeCloseTo(2 / 3, 10);
    expect(second?.categoryCode).toBe('Y');
    expect(second?.confidence).toBeCloseTo(1 / 3, 10);
  });

  const tiny: Example[] = [
    { text: '楼下车位被人占了', category: 'PARKING' },
    { text: '乱停车，车位不够', category: 'PARKING' },
    { text: '小区停车难', category: 'PARKING' },
    { text: '狗叫了一晚上', category: 'PETS' },
    { text: '遛狗不拴绳', category: 'PETS' },
    { text: '流浪狗咬人', category: 'PETS' },
    { text: '突然停电了', category: 'UTILITIES' },
    { text: '停水没有通知', category: 'UTILITIES' },
    { text: '想报名当志愿者', category: 'OTHER' },
  ];
  const model = train(tiny, { alpha: 1, bigramWeight: 1 });

  it('picks the obvious category for unseen sentences', () => {
    expect(classify(model, '我的车位又被占了')[0]?.categoryCode).toBe('PARKING');
    expect(classify(model, '那条狗天天叫')[0]?.categoryCode).toBe('PETS');
    expect(classify(model, '3栋又停电')[0]?.categoryCode).toBe('UTILITIES');
  });

  it('returns k results, confidences in [0, 1], sorted, summing to at most 1', () => {
    for (const k of [1, 3, 4]) {
      const ranked = classify(model, '车位旁边有条狗', k);
      expect(ranked).toHaveLength(k);
      ranked.forEach((s, i) => {
        expect(s.confidence).toBeGreaterThanOrEqual(0);
        expect(s.confidence).toBeLessThanOrEqual(1);
        if (i > 0) expect(s.confidence).toBeLessThanOrEqual(ranked[i - 1]?.confidence ?? 1);
      });
      expect(ranked.reduce((a, s) => a + s.confidence, 0)).toBeLessThanOrEqual(1 + 1e-12);
    }
    const all = classify(model, '车位旁边有条狗', 99);
    expect(all).toHaveLength(4);
    expect(all.reduce((a, s) => a + s.confidence, 0)).toBeCloseTo(1, 10);
  });

  it('answers empty, blank or unknown text with OTHER at its prior', () => {
    const otherPrior = priors(model)[model.categories.indexOf('OTHER')];
    for (const text of ['', '   ', '\n\t', '？！。…', '🙂🙂']) {
      const [top] = classify(model, text);
      expect(top).toEqual({ categoryCode: 'OTHER', confidence: otherPrior });
    }
  });

  it('survives a JSON round trip', () => {
    const copy = JSON.parse(JSON.stringify(model)) as typeof model;
    for (const text of ['车位被占', '狗叫', '停电', '']) {
      expect(classify(copy, text, 4)).toEqual(classify(model, text, 4));
    }
  });

  it('treats full-width digits and any building number alike', () => {
    expect(normalise('１２栋３单元')).toBe('#栋#单元');
  });
});

describe('repository data', () => {
  it('covers exactly the taxonomy: ≥ 30 train and ≥ 10 held-out examples a category', () => {
    const codes = taxonomy.map((c) => c.code).sort();
    const count = (set: Example[], code: string) => set.filter((e) => e.category === code).length;
    expect([...new Set(trainSet.map((e) => e.category))].sort()).toEqual(codes);
    expect([...new Set(heldout.map((e) => e.category))].sort()).toEqual(codes);
    for (const code of codes) {
      expect(count(trainSet, code), code).toBeGreaterThanOrEqual(30);
      expect(count(heldout, code), code).toBeGreaterThanOrEqual(10);
    }
  });

  it('never repeats a held-out text in train, even up to spacing and punctuation', () => {
    const key = (text: string) => normalise(text).replace(/[^\p{L}\p{N}#]/gu, '');
    const trainKeys = new Set(trainSet.map((e) => key(e.text)));
    expect(heldout.filter((e) => trainKeys.has(key(e.text))).map((e) => e.text)).toEqual([]);
    expect(trainKeys.size).toBe(trainSet.length);
  });

  it('takes every keyword from the training texts or the taxonomy of its category', () => {
    const unsupported: string[] = [];
    for (const [code, phrases] of Object.entries(DEFAULT_KEYWORDS)) {
      const entry = taxonomy.find((c) => c.code === code);
      const sources = [
        ...trainSet.filter((e) => e.category === code).map((e) => e.text),
        ...(entry ? [entry.zh, ...entry.examples_zh] : []),
      ];
      for (const phrase of phrases) {
        if (!sources.some((s) => s.includes(phrase))) unsupported.push(`${code}:${phrase}`);
      }
    }
    expect(unsupported).toEqual([]);
  });
});

describe('default classifier', () => {
  it('reaches ≥ 85% top-1 on the held-out set', () => {
    const result = evaluate(train(trainSet, DEFAULT_TRAIN_OPTIONS), heldout);
    expect(result.top1).toBeGreaterThanOrEqual(0.85);
    expect(result.top3).toBeGreaterThanOrEqual(result.top1);
  });

  // How long training takes is a benchmark's question (no timed assertions in unit tests: the
  // machine is shared, and this one failed at 1 s under load).
  it('trains once and suggests the top pick plus a top 3', () => {
    const classifier = loadDefaultClassifier();
    expect(loadDefaultClassifier()).toBe(classifier);

    const suggestion = suggestCategory('5号楼楼道里有人飞线给电动车充电');
    expect(suggestion.top.categoryCode).toBe('ILLEGAL_WIRING');
    expect(suggestion.top3).toHaveLength(3);
    expect(suggestion.top3[0]).toEqual(suggestion.top);
  });

  it('follows the README rules on ambiguous pairs (sentences in neither data file)', () => {
    const cases: [string, string][] = [
      ['楼上邻居家漏水，水渗到我家厨房了，他家不管', 'NEIGHBOR_DISPUTE'],
      ['顶楼屋顶漏水，雨天家里接了好几个盆', 'FACILITY_REPAIR'],
      ['有人从窗户拉线给电瓶车充电', 'ILLEGAL_WIRING'],
      ['整栋楼停电了，什么时候来电', 'UTILITIES'],
      ['隔壁的狗叫了一晚上', 'PETS'],
      ['楼上装修电钻声太吵了', 'NOISE'],
      ['消防通道上停满了私家车', 'FIRE_LANE'],
    ];
    const got = cases.map(([text]) => suggestCategory(text).top.categoryCode);
    expect(got).toEqual(cases.map(([, code]) => code));
  });

  it('gives a low-confidence OTHER for blank text', () => {
    const { top } = suggestCategory('   ');
    expect(top.categoryCode).toBe('OTHER');
    expect(top.confidence).toBeLessThan(0.1);
  });
});
