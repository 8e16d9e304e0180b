// Accuracy of a model on labelled examples. Pure.
import { classify, type Example, type Model } from './classifier';

export interface CategoryScore {
  categoryCode: string;
  total: number;
  correct: number;
  accuracy: number;
}

export interface Mistake {
  text: string;
  expected: string;
  predicted: string;
  confidence: number;
  /** Whether the expected category was among the top 3. */
  inTop3: boolean;
}

export interface Evaluation {
  total: number;
  top1: number;
  top3: number;
  perCategory: CategoryScore[];
  mistakes: Mistake[];
  /** expected → predicted pairs of the top-1 mistakes, most frequent first. */
  confusions: { expected: string; predicted: string; count: number }[];
}

export function evaluate(model: Model, examples: readonly Example[]): Evaluation {
  let top1 = 0;
  let top3 = 0;
  const perCategory = new Map<string, { total: number; correct: number }>();
  const mistakes: Mistake[] = [];
  const confusions = new Map<string, { expected: string; predicted: string; count: number }>();

  for (const { text, category } of examples) {
    const ranked = classify(model, text, 3);
    const best = ranked[0];
    const score = perCategory.get(category) ?? { total: 0, correct: 0 };
    score.total++;
    const inTop3 = ranked.some((s) => s.categoryCode === category);
    if (inTop3) top3++;
    if (best?.categoryCode === category) {
      top1++;
      score.correct++;
    } else {
      const predicted = best?.categoryCode ?? '(none)';
      mistakes.push({
        text,
        expected: category,
        predicted,
        confidence: best?.confidence ?? 0,
        inTop3,
      });
      const key = `${category}→${predicted}`;
      const pair = confusions.get(key) ?? { expected: category, predicted, count: 0 };
      pair.count++;
      confusions.set(key, pair);
    }
    perCategory.set(category, score);
  }

  const n = examples.length;
  return {
    total: n,
    top1: n ? top1 / n : 0,
    top3: n ? top3 / n : 0,
    perCategory: [...perCategory.entries()]
      .map(([categoryCode, s]) => ({ categoryCode, ...s, accuracy: s.correct / s.total }))
      .sort((a, b) => a.categoryCode.localeCompare(b.categoryCode)),
    mistakes,
    confusions: [...confusions.values()].sort(
      (a, b) => b.count - a.count || a.expected.localeCompare(b.expected),
    ),
  };
}
