import type { GraphQLClient } from 'graphql-request';

// editPlace as the tests call it: one mutation, what it did and the problems it found.

export interface EditProblem {
  at?: string;
  reason: string;
  severity: string;
  message: string;
}

export interface EditResult {
  code: string;
  action: string | null;
  saved: boolean;
  version: number | null;
  problems: EditProblem[];
}

export const editPlace = async (client: GraphQLClient, input: Record<string, unknown>) =>
  (
    await client.request<{ editPlace: EditResult }>(
      `mutation($input: EditPlaceInput!) { editPlace(input: $input) { code action saved version problems { reason severity message } } }`,
      { input },
    )
  ).editPlace;
