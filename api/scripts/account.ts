// pnpm account:create --username NAME --role ROLE [--region CODE | --grid CODE] [--name 显示名]
// Creates a staff account for real use (the demo accounts are for the demo city only). The
// password is read from YITU_PASSWORD or, when unset, from the first line of standard input,
// so it never appears in the shell history or the process list.
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { createAccount } from '../src/auth/credentials';
import { ROLES, type Role } from '../src/auth/roles';
import { createDb, migrate } from '../src/db';

const { values } = parseArgs({
  options: {
    username: { type: 'string' },
    role: { type: 'string' },
    region: { type: 'string' },
    grid: { type: 'string' },
    name: { type: 'string' },
  },
});
const fail = (message: string) => {
  console.error(message);
  process.exit(2);
};
if (!values.username) fail('--username is required');
if (!ROLES.includes(values.role as Role)) fail(`--role is one of ${ROLES.join(', ')}`);
if (values.role === 'GRID_WORKER' && !values.grid) fail('a GRID_WORKER needs --grid CODE');
if (values.role !== 'GRID_WORKER' && values.grid) fail('only a GRID_WORKER has --grid');

const password =
  process.env.YITU_PASSWORD ??
  (await new Promise<string>((resolve) => {
    const rl = createInterface({ input: process.stdin });
    rl.once('line', (line) => {
      rl.close();
      resolve(line);
    });
  }));

const config = loadConfig();
const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrate(database);
  await createAccount(database, {
    username: values.username!.trim().toLowerCase(),
    displayName: values.name ?? values.username!,
    role: values.role as Role,
    password,
    ...(values.region ? { regionCode: values.region } : {}),
    ...(values.grid ? { gridCode: values.grid } : {}),
  });
  console.log(`account ${values.username} (${values.role}) created`);
} catch (error) {
  fail(`cannot create the account: ${(error as Error).message}`);
} finally {
  await database.close();
}
