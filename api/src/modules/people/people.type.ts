import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { GeoJSONScalar } from '../../graphql/scalars';
import { AssignmentStatus, DispatchAnswer } from '../matching/matching.type';
import { ResourceKind } from '../resource/resource.type';

// The people who do the work (issue 18): what a resource's own account sees and sends, the
// invitations that create those accounts and party members' registrations (双报到).

@ObjectType({
  description:
    'A dispatch offered to the signed-in resource (派单), as its own account sees it: the work, ' +
    'where and by when; never the resident who reported it.',
})
export class Offer {
  pk!: number;
  resourcePk!: number;
  ticketPk!: number;
  @Field(() => ID, { description: 'The dispatch’s id (a TicketAssignment id).' }) id!: string;
  @Field(() => AssignmentStatus) status!: AssignmentStatus;
  @Field(() => Date) assignedAt!: Date;
  @Field(() => Date, { nullable: true }) respondedAt!: Date | null;
  @Field(() => String, { nullable: true }) declineReason!: string | null;
  @Field(() => Date, { nullable: true, description: 'When the resource reported it done.' })
  doneAt!: Date | null;
  @Field(() => String, { nullable: true }) doneNote!: string | null;
  @Field(() => Float, { nullable: true, description: 'Hours of service it reported.' })
  hours!: number | null;
  @Field(() => String) ticketCode!: string;
  @Field(() => String, { description: 'The ticket’s status now.' }) ticketStatus!: string;
  @Field(() => String, { nullable: true }) categoryName!: string | null;
  @Field(() => String, {
    description: 'What needs doing, with any phone number in it masked.',
  })
  description!: string;
  @Field(() => String) compoundName!: string;
  @Field(() => String, { nullable: true }) buildingNumber!: string | null;
  @Field(() => Float) lon!: number;
  @Field(() => Float) lat!: number;
  @Field(() => Date, { nullable: true }) resolveBy!: Date | null;
  @Field(() => Boolean, { description: 'Whether it may still be declined.' }) mayDecline!: boolean;
}

@ObjectType({ description: 'A resource’s own record: services done, hours, residents’ ratings.' })
export class ResourceRecord {
  resourcePk!: number;
  @Field(() => Int, { description: 'Offers received.' }) offers!: number;
  @Field(() => Int, { description: 'Offers declined.' }) declined!: number;
  @Field(() => Int, { description: 'Services done (reported done with a photo).' })
  services!: number;
  @Field(() => Float, { description: 'Hours of service reported.' }) hours!: number;
  @Field(() => Int, { description: 'Services the resident rated.' }) rated!: number;
  @Field(() => Float, { nullable: true, description: 'Mean rating 1–5 of those.' })
  averageRating!: number | null;
}

@ObjectType({ description: 'The resource the signed-in account works for.' })
export class MyResource {
  resourcePk!: number;
  @Field(() => ID) id!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => ResourceKind) kind!: ResourceKind;
  @Field(() => [String]) capabilities!: string[];
  @Field(() => Boolean, { description: 'False while a registration awaits approval.' })
  approved!: boolean;
  @Field(() => GraphQLJSON, {
    description: 'When it works: {always} or {weekly: [[isoDay, "HH:MM", "HH:MM"]], monthlyDays}.',
  })
  availability!: unknown;
  @Field(() => Int, { description: 'Pass as expectedVersion to setMyAvailability.' })
  version!: number;
}

@InputType()
export class WeeklyHoursInput {
  @Field(() => Int, { description: 'ISO weekday 1 (Monday) – 7 (Sunday).' }) weekday!: number;
  @Field(() => String, { description: '"HH:MM", Beijing time.' }) from!: string;
  @Field(() => String, { description: '"HH:MM", after from.' }) to!: string;
}

@InputType()
export class AvailabilityInput {
  @Field(() => Int) expectedVersion!: number;
  @Field(() => Boolean, { defaultValue: false, description: 'Available at any time.' })
  always!: boolean;
  @Field(() => [WeeklyHoursInput], { defaultValue: [] }) weekly!: WeeklyHoursInput[];
  @Field(() => [Int], {
    defaultValue: [],
    description: 'Service days of the month, e.g. 8, 18, 28 (08:00–18:00).',
  })
  monthlyDays!: number[];
}

@InputType()
export class AnswerOfferInput {
  @Field(() => ID) offerId!: string;
  @Field(() => DispatchAnswer) answer!: DispatchAnswer;
  @Field(() => String, { nullable: true, description: 'Required to DECLINE.' })
  reason?: string | null;
}

@InputType()
export class FinishOfferInput {
  @Field(() => ID) offerId!: string;
  @Field(() => String, { description: 'What was done, 1–1,000 characters.' }) note!: string;
  @Field(() => [String], { description: 'Photos of the result (POST /uploads/photos), 1–9.' })
  photoKeys!: string[];
  @Field(() => Float, { description: 'Hours of service, more than 0 and at most 24.' })
  hours!: number;
}

@InputType()
export class InviteInput {
  @Field(() => ID, { description: 'The resource the account works for.' }) resourceId!: string;
  @Field(() => String, { description: 'The sign-in name, 2–40 of a–z 0–9 . _ -.' })
  username!: string;
  @Field(() => String, { description: 'The person’s name as shown.' }) displayName!: string;
  @Field(() => Int, { defaultValue: 72, description: 'Hours the link lasts, 1–168.' })
  expiresInHours!: number;
}

@ObjectType({ description: 'A one-time link for a resource’s person to set a password.' })
export class IssuedInvitation {
  @Field(() => String, { description: 'The secret; shown once, kept only as its hash.' })
  token!: string;
  @Field(() => String, { description: 'The page to open: /v/invite#<token>.' }) path!: string;
  @Field(() => String) username!: string;
  @Field(() => Date) expiresAt!: Date;
}

@ObjectType({ description: 'What an invitation link is for (before the password is set).' })
export class Invitation {
  @Field(() => String) username!: string;
  @Field(() => String) displayName!: string;
  @Field(() => String) resourceName!: string;
  @Field(() => Date) expiresAt!: Date;
}

@InputType()
export class RegisterPartyMemberInput {
  @Field(() => String, { description: 'The community registered at (its code).' })
  communityCode!: string;
  @Field(() => String, { description: '1–50 characters.' }) name!: string;
  @Field(() => String, { description: 'Work unit 工作单位, 1–100 characters.' }) unit!: string;
  @Field(() => String, { description: 'Mobile, kept as personal data.' }) phone!: string;
  @Field(() => [String], { description: 'Skills as capabilities, e.g. repair, tutoring.' })
  skills!: string[];
  @Field(() => GeoJSONScalar, {
    description: 'The zone claimed 认领责任区: a GeoJSON Polygon inside the community (WGS84).',
  })
  zone!: unknown;
}

@ObjectType({ description: 'A party member’s registration, waiting for the community’s approval.' })
export class PartyMemberRegistration {
  @Field(() => String, { description: 'The resource’s code.' }) code!: string;
  @Field(() => Boolean) approved!: boolean;
}

@ObjectType({ description: 'A notice for the signed-in account (in the app; see api/src/notify).' })
export class Notice {
  resourcePk!: number;
  @Field(() => String, { description: 'OFFER (a dispatch sent to me), TICKET_MOVED.' })
  kind!: string;
  @Field(() => String) ticketCode!: string;
  @Field(() => String, { description: 'The ticket’s status after the change.' })
  ticketStatus!: string;
  @Field(() => String) text!: string;
  @Field(() => Date) at!: Date;
}

@ObjectType({
  description: 'A grid or compound a party member may claim as their zone (认领责任区).',
})
export class RegistrationZone {
  @Field(() => String, { description: 'GRID or COMPOUND.' }) kind!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => GeoJSONScalar, {
    description: 'Its outline (Polygon, WGS84, full precision: sent back as the zone claimed).',
  })
  boundary!: unknown;
}

@ObjectType({
  description:
    'What the party members’ registration page (双报到) shows of a community without sign-in: ' +
    'its outline and the grids and compounds one may claim; no people, no tickets.',
})
export class RegistrationCommunity {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => GeoJSONScalar, { description: 'Its outline (MultiPolygon, WGS84, 6 decimals).' })
  boundary!: unknown;
  @Field(() => [RegistrationZone], { description: 'Grids first, then compounds, by name (≤ 500).' })
  zones!: RegistrationZone[];
}
