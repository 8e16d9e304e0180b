import { ClientError } from 'graphql-request';

export interface ErrorExtensions {
  code: string;
  field?: string;
  reason?: string;
  [more: string]: unknown;
}

/** The first GraphQL error's extensions of a request that must fail (else the test fails). */
export async function errorOf(request: Promise<unknown>): Promise<ErrorExtensions> {
  try {
    await request;
  } catch (error) {
    if (error instanceof ClientError)
      return error.response.errors![0]!.extensions as ErrorExtensions;
    throw error;
  }
  throw new Error('expected an error');
}
