import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ROLES, PERMISSIONS } from '../../auth/roles';
import { TicketActionEnum } from '../ticket/ticket.input';

export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as {
  [K in (typeof ROLES)[number]]: K;
};
registerEnumType(RoleEnum, {
  name: 'Role',
  description:
    'GRID_WORKER 网格员, COMMUNITY_STAFF 社区两委, STREET_STAFF 街道/指挥中心, DEPARTMENT 职能部门, ADMIN 系统管理员, RESOURCE 资源方 (a volunteer team, party member, social organisation or partner’s own account, bound to its resource).',
});

export const PermissionEnum = Object.fromEntries(
  PERMISSIONS.map((p) => [p.replace(':', '_').toUpperCase(), p]),
) as Record<string, string>;
registerEnumType(PermissionEnum, { name: 'Permission' });

@ObjectType({ description: 'Who is signed in (or holds the API token), and what they may do.' })
export class Viewer {
  @Field(() => String) username!: string;
  @Field(() => String) displayName!: string;
  @Field(() => RoleEnum) role!: string;
  @Field(() => String, { description: 'SESSION (the map app) or API_TOKEN.' }) via!: string;
  @Field(() => String, {
    description:
      'The jurisdiction’s name: a grid, community, street, district, or 全部; for a RESOURCE account its resource’s name.',
  })
  jurisdictionName!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'The jurisdiction’s Region or Grid id; the Resource id of a RESOURCE account.',
  })
  jurisdictionId!: string | null;
  @Field(() => [PermissionEnum]) permissions!: string[];
  @Field(() => [TicketActionEnum], { description: 'Ticket actions the role may take.' })
  actions!: string[];
  @Field(() => [String], {
    description:
      'The scopes this account’s role may put in an API token it issues (issueApiToken also ' +
      'holds each to what the token’s own account may do).',
  })
  tokenScopes!: string[];
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
}

@ObjectType()
export class SignInPayload {
  @Field(() => Viewer) viewer!: Viewer;
  @Field(() => Date) expiresAt!: Date;
}

@ObjectType({ description: 'A third-party API token (the secret itself is shown only once).' })
export class ApiToken {
  pk!: number;
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'The account whose role and jurisdiction it carries.' })
  username!: string;
  @Field(() => [String]) scopes!: string[];
  @Field(() => Int) ratePerMinute!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType()
export class IssuedApiToken {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <token>`. Shown once.' })
  token!: string;
  @Field(() => ApiToken) apiToken!: ApiToken;
}

@InputType()
export class IssueApiTokenInput {
  @Field(() => String, { description: 'Who holds it, e.g. 市大数据局 open-data feed.' })
  name!: string;
  @Field(() => String, { description: 'The account it acts as (its role and jurisdiction).' })
  username!: string;
  @Field(() => [String], {
    description: 'read:places, read:tickets, write:tickets, introspection. Never personal data.',
  })
  scopes!: string[];
  @Field(() => Int, { description: '1–365 days.' }) expiresInDays!: number;
  @Field(() => Int, { defaultValue: 120, description: 'Requests per minute, 1–10000.' })
  ratePerMinute!: number;
}

@ObjectType({ description: 'One line of the append-only audit log (审计日志).' })
export class AuditEntry {
  @Field(() => Int) seq!: number;
  @Field(() => Date) at!: Date;
  @Field(() => String, { description: 'account:<username>, token:<name>, anonymous.' })
  actor!: string;
  @Field(() => String) action!: string;
  @Field(() => String, { nullable: true }) target!: string | null;
  @Field(() => String, { description: 'OK, or the error code and reason.' }) result!: string;
  @Field(() => String, { nullable: true, description: 'Details as JSON text.' })
  details!: string | null;
}
