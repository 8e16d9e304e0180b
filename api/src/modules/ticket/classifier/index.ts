// The default ticket classifier: trained once, on first use, from data/train.jsonl.
import { classify, train, type Model, type Suggestion, type TrainOptions } from './classifier';
import { readDataset } from './dataset';
import { DEFAULT_KEYWORDS } from './keywords';

export { classify, train, type Example, type Model, type Suggestion } from './classifier';
export { parseExamples, readDataset } from './dataset';
export { evaluate, type Evaluation } from './evaluate';

/**
 * Hyper-parameters of the default model, chosen by 5-fold cross-validation on the training set
 * only (never on the held-out set): top-1 accuracy for alpha, bigram weight, feature count and
 * keyword boost; log-loss for the temperature.
 */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  alpha: 0.5,
  bigramWeight: 0.5,
  binary: true,
  maxFeatures: 1000,
  keywords: DEFAULT_KEYWORDS,
  keywordBoost: 2,
  temperature: 2,
  fallbackCategory: 'OTHER',
};

export interface CategorySuggestion {
  /** The best guess; for empty or unintelligible text, OTHER with a low confidence. */
  top: Suggestion;
  /** The three best guesses, best first (top is the first). */
  top3: Suggestion[];
}

export interface TicketClassifier {
  model: Model;
  suggestCategory(text: string): CategorySuggestion;
}

let cached: TicketClassifier | undefined;

/** Trains the default model on first call (tens of milliseconds) and returns the same one after. */
export function loadDefaultClassifier(): TicketClassifier {
  if (!cached) {
    const model = train(readDataset('train'), DEFAULT_TRAIN_OPTIONS);
    cached = {
      model,
      suggestCategory(text: string): CategorySuggestion {
        const top3 = classify(model, text, 3);
        const top = top3[0] ?? { categoryCode: model.fallbackCategory, confidence: 0 };
        return { top, top3 };
      },
    };
  }
  return cached;
}

/** Suggests a category for a ticket description with the default classifier. */
export function suggestCategory(text: string): CategorySuggestion {
  return loadDefaultClassifier().suggestCategory(text);
}
