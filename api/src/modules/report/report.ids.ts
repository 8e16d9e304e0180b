import { badInput } from '../../errors';
import { expectId, fromGlobalId } from '../../graphql/ids';
import { PLACE_KINDS, type PlaceKind } from './report.service';

/** The place an id names, for reports: a region, compound, grid, property company or resource. */
export function reportPlaceKey(placeId: string): { kind: PlaceKind; pk: number } {
  const { type } = fromGlobalId(placeId, 'placeId');
  if (!(PLACE_KINDS as readonly string[]).includes(type))
    throw badInput(
      'placeId',
      'NOT_A_PLACE',
      `placeId must be a region, compound, grid, property company or resource, not a ${type}`,
    );
  return { kind: type as PlaceKind, pk: expectId(placeId, type, 'placeId') };
}
