import pg from 'pg';

// Where the integration suites' databases come from, shared by global setup and the workers.
export type TemplateInfo =
  | { engine: 'pglite'; templateDir: string; workDir: string }
  | { engine: 'postgres'; adminUrl: string; template: string; prefix: string };

declare module 'vitest' {
  export interface ProvidedContext {
    yituTemplate: TemplateInfo;
  }
}

/** Demo "today" for the suites, so seeded data are identical run to run. */
export const TEST_AS_OF = new Date('2026-11-23T00:00:00Z');

export function databaseUrlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdmin<T>(
  adminUrl: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE … TEMPLATE, retried while another session briefly touches the template. */
export async function cloneDatabase(
  adminUrl: string,
  template: string,
  name: string,
): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== '55006' || attempt >= 20) throw error; // 55006: template in use
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  });
}
