import { GraphQLClient } from 'graphql-request';
import { DEMO_PASSWORD } from '@yitu/api/testing';

// Signing in as a person would (the signIn mutation, the http-only cookie it sets), so every
// HTTP test exercises the real session path. Demo-city accounts: admin, command (the district's
// command centre), street, community, community2, grid, department; fixtures add their own.

export { DEMO_PASSWORD };

/** Signs in and returns the session cookie ("yitu_session=…") to send back. */
export async function signIn(
  baseUrl: string,
  username: string,
  password = DEMO_PASSWORD,
): Promise<string> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query:
        'mutation($u: String!, $p: String!) { signIn(username: $u, password: $p) { expiresAt } }',
      variables: { u: username, p: password },
    }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  const cookie = response.headers.get('set-cookie');
  if (body.errors || !cookie)
    throw new Error(`sign-in as ${username} failed: ${JSON.stringify(body)}`);
  return cookie.split(';')[0]!;
}

/** A GraphQL client signed in as `username` (cookie session, as the map app). */
export async function clientAs(baseUrl: string, username: string): Promise<GraphQLClient> {
  const cookie = await signIn(baseUrl, username);
  return new GraphQLClient(`${baseUrl}/graphql`, { headers: { cookie } });
}

/** A GraphQL client with no credentials at all. */
export const anonymousClient = (baseUrl: string) => new GraphQLClient(`${baseUrl}/graphql`);

/** A GraphQL client holding a third-party API token. */
export const tokenClient = (baseUrl: string, token: string) =>
  new GraphQLClient(`${baseUrl}/graphql`, { headers: { authorization: `Bearer ${token}` } });

/**
 * A third-party token acting as `username` (over GraphQL, as in use): issued by an
 * administrator, or by the account itself when it may write (administrators cannot).
 */
export async function issueToken(
  baseUrl: string,
  options: { username: string; scopes: string[]; ratePerMinute?: number; expiresInDays?: number },
): Promise<string> {
  const issuer = await clientAs(
    baseUrl,
    options.scopes.includes('write:tickets') ? options.username : 'admin',
  );
  const data = await issuer.request<{ issueApiToken: { token: string } }>(
    `mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }`,
    {
      input: {
        name: `test token ${options.scopes.join(' ')}`,
        username: options.username,
        scopes: options.scopes,
        expiresInDays: options.expiresInDays ?? 1,
        ratePerMinute: options.ratePerMinute ?? 10_000,
      },
    },
  );
  return data.issueApiToken.token;
}
