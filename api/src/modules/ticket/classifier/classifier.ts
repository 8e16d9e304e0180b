// Multinomial naive Bayes over character unigrams and bigrams, for short Chinese ticket texts.
// Pure: no I/O, no dependencies. The trained model is plain JSON (see `Model`).

/** One labelled training or evaluation example. */
export interface Example {
  text: string;
  category: string;
}

/** One ranked suggestion. `confidence` is the softmax-normalised posterior, in [0, 1]. */
export interface Suggestion {
  categoryCode: string;
  confidence: number;
}

export interface TrainOptions {
  /** Laplace (add-alpha) smoothing. Default 1. */
  alpha?: number;
  /** Weight of a bigram relative to a unigram, at training and at classification. Default 1. */
  bigramWeight?: number;
  /** Count each feature at most once per text ("binarised" multinomial NB). Default true. */
  binary?: boolean;
  /** Divides the log-posteriors before the softmax; > 1 softens over-confident NB. Default 1. */
  temperature?: number;
  /** Category → phrases; each phrase found in a text adds `keywordBoost` to its log score. */
  keywords?: Record<string, readonly string[]>;
  /** Log-score added per keyword hit. Default 0 (no boost). */
  keywordBoost?: number;
  /**
   * Keep only this many of the most informative features (highest chi-square of feature presence
   * against any one category). Default: keep all.
   */
  maxFeatures?: number;
  /** Answer for texts with no usable evidence, when it is a trained category. Default 'OTHER'. */
  fallbackCategory?: string;
}

/** A trained model; plain JSON (`JSON.parse(JSON.stringify(model))` classifies the same). */
export interface Model {
  version: 1;
  alpha: number;
  bigramWeight: number;
  binary: boolean;
  temperature: number;
  keywordBoost: number;
  fallbackCategory: string;
  /** Category codes, sorted; every per-category array below is indexed like this one. */
  categories: string[];
  /** Number of training examples per category. */
  docCounts: number[];
  /** Sum of (weighted) feature counts per category. */
  totals: number[];
  /** Feature → (weighted) count per category. A feature is one character or two adjacent ones. */
  counts: Record<string, number[]>;
  vocabularySize: number;
  keywords: Record<string, string[]>;
}

const DIGITS = /\p{Nd}+/gu;
// Anything that is not a letter, a number or the digit placeholder separates segments.
const SEPARATORS = /[^\p{L}\p{N}#]+/u;

/** NFKC (full-width → half-width), lower case, each run of digits → '#' (3栋 ≈ 12栋). */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(DIGITS, '#');
}

/** How a text is turned into features; stored in the model so classification matches training. */
export interface FeatureOptions {
  bigramWeight: number;
  binary: boolean;
}

/**
 * Weighted features of a text: each character (weight 1) and each pair of adjacent characters
 * inside one segment (weight `bigramWeight`). Punctuation and spaces split segments.
 */
export function extractFeatures(text: string, options: FeatureOptions): Map<string, number> {
  const { bigramWeight, binary } = options;
  const features = new Map<string, number>();
  const add = (feature: string, weight: number) => {
    if (binary) features.set(feature, weight);
    else features.set(feature, (features.get(feature) ?? 0) + weight);
  };
  for (const segment of normalise(text).split(SEPARATORS)) {
    const chars = Array.from(segment);
    for (let i = 0; i < chars.length; i++) {
      const current = chars[i] as string;
      add(current, 1);
      const next = chars[i + 1];
      if (next !== undefined && bigramWeight > 0) add(current + next, bigramWeight);
    }
  }
  return features;
}

export function train(examples: readonly Example[], options: TrainOptions = {}): Model {
  const alpha = options.alpha ?? 1;
  const bigramWeight = options.bigramWeight ?? 1;
  const binary = options.binary ?? true;
  const temperature = options.temperature ?? 1;
  const featureOptions: FeatureOptions = { bigramWeight, binary };
  if (examples.length === 0) throw new Error('train: no examples');
  if (!(alpha > 0)) throw new Error('train: alpha must be > 0');
  if (!(temperature > 0)) throw new Error('train: temperature must be > 0');

  const categories = [...new Set(examples.map((e) => e.category))].sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  const docCounts = categories.map(() => 0);
  const totals = categories.map(() => 0);
  const counts: Record<string, number[]> = {};
  // feature → number of training texts of each category containing it
  const presence = new Map<string, number[]>();

  for (const example of examples) {
    const c = index.get(example.category) as number;
    docCounts[c] = (docCounts[c] ?? 0) + 1;
    for (const [feature, weight] of extractFeatures(example.text, featureOptions)) {
      let seen = presence.get(feature);
      if (!seen) {
        seen = categories.map(() => 0);
        presence.set(feature, seen);
      }
      seen[c] = (seen[c] ?? 0) + 1;
      let row = counts[feature];
      if (!row) {
        row = categories.map(() => 0);
        counts[feature] = row;
      }
      row[c] = (row[c] ?? 0) + weight;
      totals[c] = (totals[c] ?? 0) + weight;
    }
  }

  const drop = (feature: string) => {
    const row = counts[feature];
    if (!row) return;
    row.forEach((weight, c) => (totals[c] = (totals[c] ?? 0) - weight));
    delete counts[feature];
  };
  if (options.maxFeatures !== undefined) {
    const ranked = Object.keys(counts)
      .map((feature) => ({ feature, score: chiSquare(presence.get(feature) ?? [], docCounts) }))
      .sort((a, b) => b.score - a.score || (a.feature < b.feature ? -1 : 1));
    for (const { feature } of ranked.slice(options.maxFeatures)) drop(feature);
  }

  const keywords: Record<string, string[]> = {};
  for (const [category, phrases] of Object.entries(options.keywords ?? {})) {
    if (index.has(category)) keywords[category] = phrases.map(normalise);
  }

  return {
    version: 1,
    alpha,
    bigramWeight,
    binary,
    temperature,
    keywordBoost: options.keywordBoost ?? 0,
    fallbackCategory: options.fallbackCategory ?? 'OTHER',
    categories,
    docCounts,
    totals,
    counts,
    vocabularySize: Object.keys(counts).length,
    keywords,
  };
}

/** Largest chi-square, over categories c, of "text contains the feature" vs "text is in c". */
function chiSquare(present: readonly number[], docCounts: readonly number[]): number {
  const n = docCounts.reduce((a, b) => a + b, 0);
  const withFeature = present.reduce((a, b) => a + b, 0);
  let best = 0;
  docCounts.forEach((inCategory, c) => {
    const a = present[c] ?? 0; // in c, has feature
    const b = withFeature - a; // not in c, has feature
    const cc = inCategory - a; // in c, lacks feature
    const d = n - inCategory - b; // not in c, lacks feature
    const denominator = (a + b) * (cc + d) * (a + cc) * (b + d);
    if (denominator > 0) best = Math.max(best, (n * (a * d - b * cc) ** 2) / denominator);
  });
  return best;
}

/** Prior of each category (share of training examples), indexed like model.categories. */
export function priors(model: Model): number[] {
  const n = model.docCounts.reduce((a, b) => a + b, 0);
  return model.docCounts.map((d) => d / n);
}

/**
 * The k most likely categories for a text, best first. Confidences are the softmax of the
 * (temperature-scaled) log-posteriors over all categories, so the k returned sum to ≤ 1.
 *
 * A text with no usable evidence (empty, whitespace, punctuation, or only characters never seen
 * in training) gets the fallback category (OTHER) first, with its prior as confidence, then the
 * others by prior: a deliberately low-confidence answer.
 */
export function classify(model: Model, text: string, k = 3): Suggestion[] {
  const { categories, alpha, totals } = model;
  const prior = priors(model);
  const scores = prior.map((p) => Math.log(p));
  let evidence = 0;

  for (const [feature, weight] of extractFeatures(text, model)) {
    const row = model.counts[feature];
    if (!row) continue; // out of vocabulary: carries no information about the category
    evidence++;
    for (let c = 0; c < categories.length; c++) {
      const likelihood =
        ((row[c] ?? 0) + alpha) / ((totals[c] ?? 0) + alpha * model.vocabularySize);
      scores[c] = (scores[c] ?? 0) + weight * Math.log(likelihood);
    }
  }

  const normalised = normalise(text);
  for (let c = 0; c < categories.length; c++) {
    for (const phrase of model.keywords[categories[c] as string] ?? []) {
      if (phrase && normalised.includes(phrase)) {
        evidence++;
        scores[c] = (scores[c] ?? 0) + model.keywordBoost;
      }
    }
  }

  let ranked: Suggestion[];
  if (evidence === 0) {
    ranked = categories
      .map((code, c) => ({ categoryCode: code, confidence: prior[c] ?? 0 }))
      .sort(
        (a, b) =>
          Number(b.categoryCode === model.fallbackCategory) -
            Number(a.categoryCode === model.fallbackCategory) || b.confidence - a.confidence,
      );
  } else {
    const scaled = scores.map((s) => s / model.temperature);
    const max = Math.max(...scaled);
    const exps = scaled.map((s) => Math.exp(s - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    ranked = categories
      .map((code, c) => ({ categoryCode: code, confidence: (exps[c] ?? 0) / sum }))
      .sort((a, b) => b.confidence - a.confidence);
  }
  return ranked.slice(0, Math.max(0, k));
}
