import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as operations from './index';

const schema = buildSchema(fs.readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8'));
const examples = fs.readFileSync(path.join(__dirname, 'examples.graphql'), 'utf8');

describe('the committed contract', () => {
  // operations are strings; fragments (documents) are checked inside the operations using them
  const documents = Object.entries(operations).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );

  it.each(documents)('accepts the web client’s %s', (_name, document) => {
    expect(validate(schema, parse(document)).map((e) => e.message)).toEqual([]);
  });

  it('accepts every example operation', () => {
    const document = parse(examples);
    expect(document.definitions.length).toBeGreaterThanOrEqual(8);
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  });
});
