// Reading the labelled examples kept next to the classifier (data/*.jsonl, one JSON object a line).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Example } from './classifier';

export const DATA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');

export type DatasetName = 'train' | 'heldout';

/** Parses JSON Lines of {"text", "category"}; skips blank lines, throws on anything malformed. */
export function parseExamples(jsonl: string, source = 'jsonl'): Example[] {
  const examples: Example[] = [];
  jsonl.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const value: unknown = JSON.parse(line);
    const { text, category } = (value ?? {}) as { text?: unknown; category?: unknown };
    if (typeof text !== 'string' || typeof category !== 'string' || !category) {
      throw new Error(`${source}:${i + 1}: expected {"text": string, "category": string}`);
    }
    examples.push({ text, category });
  });
  return examples;
}

export function readDataset(name: DatasetName): Example[] {
  const file = path.join(DATA_DIR, `${name}.jsonl`);
  return parseExamples(fs.readFileSync(file, 'utf8'), file);
}
