// pnpm schema:emit — write schema/schema.graphql from the resolvers; --check fails if it differs.
import fs from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { repoRoot } from '../src/config';
import { buildYituSchema } from '../src/graphql/schema';

const target = path.join(repoRoot, 'schema', 'schema.graphql');
const banner =
  '# GENERATED FILE — do not edit. Emitted from api/src by `pnpm schema:emit`;\n' +
  '# CI fails when it differs from what the API serves.\n\n';
const text = banner + printSchema(lexicographicSortSchema(await buildYituSchema())) + '\n';

if (process.argv.includes('--check')) {
  const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (committed !== text) {
    console.error('schema/schema.graphql is out of date: run `pnpm schema:emit` and commit it.');
    process.exit(1);
  }
  console.log('schema/schema.graphql matches the API');
} else {
  fs.writeFileSync(target, text);
  console.log(`wrote ${path.relative(repoRoot, target)}`);
}
