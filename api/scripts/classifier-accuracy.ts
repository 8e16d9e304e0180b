// tsx scripts/classifier-accuracy.ts
// Trains the ticket classifier on data/train.jsonl, measures it on data/heldout.jsonl (never used
// in training) and exits 1 when top-1 accuracy is below the target.
import {
  DEFAULT_TRAIN_OPTIONS,
  evaluate,
  readDataset,
  train,
} from '../src/modules/ticket/classifier';

const TARGET_TOP1 = 0.85;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const trainSet = readDataset('train');
const heldout = readDataset('heldout');

const started = performance.now();
const model = train(trainSet, DEFAULT_TRAIN_OPTIONS);
const trainMs = performance.now() - started;

const result = evaluate(model, heldout);

console.log(
  `train: ${trainSet.length} examples, ${model.categories.length} categories, ` +
    `${model.vocabularySize} features, trained in ${trainMs.toFixed(0)} ms`,
);
console.log(`held-out: ${heldout.length} examples`);
console.log('');
console.log(`top-1 accuracy: ${pct(result.top1)} (target ≥ ${pct(TARGET_TOP1)})`);
console.log(`top-3 accuracy: ${pct(result.top3)}`);
console.log('');
console.log('per category (top-1):');
for (const s of result.perCategory) {
  const score = `${String(s.correct).padStart(3)}/${s.total}`;
  console.log(`  ${s.categoryCode.padEnd(22)} ${score}  ${pct(s.accuracy)}`);
}
console.log('');
console.log(`confusions (expected → predicted), ${result.mistakes.length} mistakes:`);
for (const c of result.confusions) {
  console.log(`  ${c.expected} → ${c.predicted}  ×${c.count}`);
}
console.log('');
console.log('mistakes:');
for (const m of result.mistakes) {
  const top3 = m.inTop3 ? ', in top-3' : '';
  console.log(`  [${m.expected} → ${m.predicted} ${m.confidence.toFixed(2)}${top3}] ${m.text}`);
}

if (result.top1 < TARGET_TOP1) {
  console.error(`\nFAIL: top-1 ${pct(result.top1)} < ${pct(TARGET_TOP1)}`);
  process.exit(1);
}
console.log(`\nOK: top-1 ${pct(result.top1)} ≥ ${pct(TARGET_TOP1)}`);
