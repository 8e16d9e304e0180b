import sharp from 'sharp';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousClient, clientAs, signIn } from '../support/auth';
import { testClockOffsetMs } from '../support/clock';
import { engineName } from '../support/db';
import { errorOf } from '../support/graphql';
import { liveSubscription, waitFor } from '../support/live';
import { editPlace } from '../support/places';
import { startServer, type RunningServer } from '../support/server';
import { GraphQLClient as Client } from 'graphql-request';

// The people who do the work (issue 18), over HTTP on the demo city: community staff invite a
// resource's person, the one-time link sets a password, and that account sees and answers only
// the offers sent to its own resource, through the same loop staff use. Party members who
// register (双报到) are never matched or dispatched before the community approves them.

const PASSWORD = 'volunteer-pass-2026';
const PHONE = '13912345678';

interface Offer {
  id: string;
  status: string;
  ticketCode: string;
  ticketStatus: string;
  description: string;
  doneAt: string | null;
}
const OFFER = 'id status ticketCode ticketStatus description doneAt hours';

describe(`the people who do the work, over HTTP on ${engineName()}`, () => {
  let server: RunningServer;
  let command: GraphQLClient;
  let compoundCode: string;
  const key = () => `people-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;

  /** A resident's repair report with their phone in the text too, accepted by staff. */
  async function acceptedTicket(at = compoundCode) {
    const { reportTicket } = await command.request<{
      reportTicket: { ticket: { id: string; version: number } };
    }>(
      `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { ticket { id version } } }`,
      {
        input: {
          compoundCode: at,
          reporterName: '王五',
          reporterPhone: PHONE,
          description: `3号楼屋顶漏水，请打 ${PHONE} 联系`,
          buildingNumber: '1',
          categoryCode: 'FACILITY_REPAIR',
          idempotencyKey: key(),
        },
      },
    );
    const t = reportTicket.ticket;
    const { actOnTicket } = await command.request<{ actOnTicket: { version: number } }>(
      `mutation($input: TicketActionInput!) { actOnTicket(input: $input) { version } }`,
      { input: { ticketId: t.id, expectedVersion: t.version, action: 'ACCEPT' } },
    );
    return { id: t.id, version: actOnTicket.version };
  }

  const matches = async (ticketId: string, kind: string) =>
    (
      await command.request<{
        matchResources: { resource: { id: string; code: string; mayDecline: boolean } }[];
      }>(
        `query($id: ID!) { matchResources(ticketId: $id, first: 30, kind: ${kind}) { resource { id code mayDecline } } }`,
        { id: ticketId },
      )
    ).matchResources.map((m) => m.resource);

  const dispatch = (ticketId: string, expectedVersion: number, resourceIds: string[]) =>
    command.request<{ dispatchTicket: { status: string; version: number } }>(
      `mutation($input: DispatchTicketInput!) { dispatchTicket(input: $input) { status version } }`,
      { input: { ticketId, expectedVersion, resourceIds } },
    );

  const ticket = async (id: string) =>
    (
      await command.request<{
        node: {
          status: string;
          version: number;
          photos: { url: string }[];
          events: { nodes: { type: string; actor: string; data: Record<string, unknown> }[] };
        };
      }>(
        `query($id: ID!) { node(id: $id) { ... on Ticket { status version photos { url }
          events(first: 50) { nodes { type actor data } } } } }`,
        { id },
      )
    ).node;

  const invite = (by: GraphQLClient, resourceId: string, username: string, hours = 72) =>
    by.request<{ inviteResourceAccount: { token: string; path: string; expiresAt: string } }>(
      `mutation($input: InviteInput!) { inviteResourceAccount(input: $input) { token path expiresAt } }`,
      { input: { resourceId, username, displayName: '志愿者小李', expiresInHours: hours } },
    );

  const accept = (token: string, password = PASSWORD) =>
    anonymousClient(server.url).request<{ acceptInvitation: string }>(
      `mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) }`,
      { t: token, p: password },
    );

  /** A signed-in account for a resource, through its invitation. */
  async function volunteerOf(resourceId: string, username: string): Promise<GraphQLClient> {
    const { inviteResourceAccount } = await invite(command, resourceId, username);
    await accept(inviteResourceAccount.token);
    return volunteerSession(username);
  }

  const volunteerSession = async (username: string) =>
    new Client(`${server.url}/graphql`, {
      headers: { cookie: await signIn(server.url, username, PASSWORD) },
    });

  const myOffers = async (as: GraphQLClient) =>
    (await as.request<{ myOffers: Offer[] }>(`{ myOffers { ${OFFER} } }`)).myOffers;

  const record = async (as: GraphQLClient) =>
    (
      await as.request<{ myRecord: { services: number; hours: number; offers: number } }>(
        `{ myRecord { services hours offers declined } }`,
      )
    ).myRecord;

  async function uploadAs(username: string): Promise<string> {
    const cookie = await signIn(server.url, username, PASSWORD);
    const form = new FormData();
    const png = await sharp({
      create: { width: 32, height: 24, channels: 3, background: '#4a8' },
    })
      .png()
      .toBuffer();
    form.append('photo', new Blob([png], { type: 'image/png' }), 'done.png');
    const res = await fetch(`${server.url}/uploads/photos`, {
      method: 'POST',
      body: form,
      headers: { cookie },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { key: string }).key;
  }

  /** A ticket dispatched to a resource that may decline; the resource's id. */
  async function offered(kind = 'VOLUNTEER_TEAM', skip: string[] = []) {
    const t = await acceptedTicket();
    const resource = (await matches(t.id, kind)).find((r) => r.mayDecline && !skip.includes(r.id))!;
    const { dispatchTicket } = await dispatch(t.id, t.version, [resource.id]);
    return { ticketId: t.id, version: dispatchTicket.version, resource };
  }

  beforeAll(async () => {
    server = await startServer();
    command = await clientAs(server.url, 'command');
    const first = await command.request<{ compounds: { nodes: { code: string }[] } }>(
      `{ compounds(first: 1) { nodes { code } } }`,
    );
    compoundCode = first.compounds.nodes[0]!.code;
  });
  afterAll(() => {
    const errors = server?.output().match(/internal error:[^\n]*(\n[^\n]*){0,6}/g);
    if (errors) console.log(errors.join('\n'));
    return server?.stop();
  });

  it('invites a resource’s person: the link sets a password once, then the sign-in works', async () => {
    const { resource } = await offered();
    const { inviteResourceAccount: issued } = await invite(command, resource.id, 'vol-once');
    expect(issued.path).toBe(`/v/invite#${issued.token}`);
    const anonymous = anonymousClient(server.url);
    const { invitation } = await anonymous.request<{
      invitation: { username: string; resourceName: string };
    }>(`query($t: String!) { invitation(token: $t) { username resourceName } }`, {
      t: issued.token,
    });
    expect(invitation.username).toBe('vol-once');
    expect((await errorOf(accept(issued.token, 'short'))).reason).toBe('TOO_SHORT');
    expect((await accept(issued.token)).acceptInvitation).toBe('vol-once');
    // single use: the second try (another password) is refused and changes nothing
    expect(await errorOf(accept(issued.token, 'another-password-1'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVITE_USED',
    });
    expect((await errorOf(accept(`${issued.token}x`))).reason).toBe('INVALID_INVITE');
    const volunteer = await volunteerSession('vol-once');
    const { viewer } = await volunteer.request<{
      viewer: { role: string; jurisdictionId: string; permissions: string[] };
    }>(`{ viewer { role jurisdictionId permissions } }`);
    expect(viewer).toEqual({
      role: 'RESOURCE',
      jurisdictionId: resource.id,
      permissions: ['OFFERS_OWN'],
    });
    // the username is now the account's: a second invitation for it is refused
    expect((await errorOf(invite(command, resource.id, 'vol-once'))).reason).toBe('TAKEN');
  });

  it('closes a retired resource’s account: its session ends and sign-in is refused, until it is brought back', async () => {
    const t = await acceptedTicket();
    const resource = (await matches(t.id, 'VOLUNTEER_TEAM')).find((r) => r.mayDecline)!;
    const { inviteResourceAccount: issued } = await invite(command, resource.id, 'vol-retired');
    await accept(issued.token);
    const volunteer = await volunteerSession('vol-retired');
    const viewer = async (as: GraphQLClient) =>
      (await as.request<{ viewer: { role: string } | null }>(`{ viewer { role } }`)).viewer;
    expect(await viewer(volunteer)).toEqual({ role: 'RESOURCE' });
    const retire = (retired: boolean) =>
      editPlace(command, { kind: 'RESOURCE', code: resource.code, retired });
    expect((await retire(true)).saved).toBe(true);
    expect(await viewer(volunteer)).toBeNull();
    await expect(volunteerSession('vol-retired')).rejects.toThrow(/BAD_CREDENTIALS/);
    expect((await retire(false)).saved).toBe(true);
    expect(await viewer(await volunteerSession('vol-retired'))).toEqual({ role: 'RESOURCE' });
  });

  it('takes an offer and reports it done with a photo: the ticket moves on, the record grows', async () => {
    const { ticketId, resource } = await offered();
    const volunteer = await volunteerOf(resource.id, 'vol-take');
    const before = await record(volunteer);
    const [offer] = (await myOffers(volunteer)).filter((o) => o.status === 'OFFERED');
    expect(offer).toMatchObject({ ticketStatus: 'DISPATCHED' });
    // the resident's phone, typed into the text, reaches the volunteer masked
    expect(offer!.description).toContain('139****5678');
    expect(offer!.description).not.toContain(PHONE);
    // finishing before taking is refused
    const photo = await uploadAs('vol-take');
    const finish = (photoKeys: string[]) =>
      volunteer.request<{ finishOffer: Offer }>(
        `mutation($input: FinishOfferInput!) { finishOffer(input: $input) { ${OFFER} } }`,
        { input: { offerId: offer!.id, note: '已修好屋顶', photoKeys, hours: 1.5 } },
      );
    expect((await errorOf(finish([photo]))).reason).toBe('NOT_TAKEN');
    const { answerOffer } = await volunteer.request<{ answerOffer: Offer }>(
      `mutation($input: AnswerOfferInput!) { answerOffer(input: $input) { ${OFFER} } }`,
      { input: { offerId: offer!.id, answer: 'TAKE' } },
    );
    expect(answerOffer).toMatchObject({ status: 'ACCEPTED', ticketStatus: 'DISPATCHED' });
    expect((await errorOf(finish([]))).reason).toBe('REQUIRED');
    const { finishOffer } = await finish([photo]);
    expect(finishOffer).toMatchObject({ ticketStatus: 'RESOLVED', hours: 1.5 });
    expect(finishOffer.doneAt).not.toBeNull();
    // as staff see it: taken by the resource (recorded by its own account), started and
    // resolved by that account, with the photo
    const seen = await ticket(ticketId);
    expect(seen.status).toBe('RESOLVED');
    expect(seen.photos).toHaveLength(1);
    const events = seen.events.nodes.map((e) => [e.type, e.actor]);
    expect(events).toEqual(
      expect.arrayContaining([
        ['TAKE', `resource:${resource.code}`],
        ['START', 'account:vol-take'],
        ['RESOLVE', 'account:vol-take'],
      ]),
    );
    expect(seen.events.nodes.find((e) => e.type === 'TAKE')!.data.recordedBy).toBe(
      'account:vol-take',
    );
    // the loop goes on: someone else verifies
    const { actOnTicket } = await command.request<{ actOnTicket: { status: string } }>(
      `mutation($input: TicketActionInput!) { actOnTicket(input: $input) { status } }`,
      { input: { ticketId, expectedVersion: seen.version, action: 'VERIFY_PASS' } },
    );
    expect(actOnTicket.status).toBe('VERIFIED');
    const after = await record(volunteer);
    expect(after.services).toBe(before.services + 1);
    expect(after.hours).toBeCloseTo(before.hours + 1.5, 5);
    // done once only
    expect((await errorOf(finish([await uploadAs('vol-take')]))).reason).toBe('ALREADY_DONE');
  });

  it('reports the work done again after a failed check (返工): the offer is open again', async () => {
    const { ticketId, resource } = await offered();
    const volunteer = await volunteerOf(resource.id, 'vol-rework');
    const [offer] = (await myOffers(volunteer)).filter((o) => o.status === 'OFFERED');
    await volunteer.request(
      `mutation($input: AnswerOfferInput!) { answerOffer(input: $input) { id } }`,
      { input: { offerId: offer!.id, answer: 'TAKE' } },
    );
    const finish = async (hours: number) =>
      (
        await volunteer.request<{ finishOffer: Offer & { hours: number } }>(
          `mutation($input: FinishOfferInput!) { finishOffer(input: $input) { ${OFFER} } }`,
          {
            input: {
              offerId: offer!.id,
              note: '已处理',
              photoKeys: [await uploadAs('vol-rework')],
              hours,
            },
          },
        )
      ).finishOffer;
    expect(await finish(1)).toMatchObject({ ticketStatus: 'RESOLVED' });
    const seen = await ticket(ticketId);
    await command.request(
      `mutation($input: TicketActionInput!) { actOnTicket(input: $input) { status } }`,
      {
        input: {
          ticketId,
          expectedVersion: seen.version,
          action: 'VERIFY_FAIL',
          reason: '屋顶仍在漏水',
        },
      },
    );
    const open = (
      await volunteer.request<{ myOffers: Offer[] }>(`{ myOffers(openOnly: true) { ${OFFER} } }`)
    ).myOffers;
    expect(open.map((o) => o.id)).toContain(offer!.id);
    expect(await finish(2)).toMatchObject({ ticketStatus: 'RESOLVED', hours: 3 });
  });

  it('declines with a reason, and the last decline sends the ticket back to be matched', async () => {
    const { ticketId, resource } = await offered();
    const volunteer = await volunteerOf(resource.id, 'vol-decline');
    const [offer] = (await myOffers(volunteer)).filter((o) => o.status === 'OFFERED');
    const answer = (reason: string | null) =>
      volunteer.request(
        `mutation($input: AnswerOfferInput!) { answerOffer(input: $input) { status } }`,
        { input: { offerId: offer!.id, answer: 'DECLINE', reason } },
      );
    expect(await errorOf(answer(null))).toMatchObject({ code: 'BAD_USER_INPUT' });
    await answer('本周外出，无法前往');
    expect((await ticket(ticketId)).status).toBe('ACCEPTED');
    expect((await matches(ticketId, 'VOLUNTEER_TEAM')).map((r) => r.id)).not.toContain(resource.id);
    expect((await record(volunteer)).offers).toBeGreaterThan(0);
  });

  it('a volunteer sees only its own offers: no tickets, no places, never a resident’s phone', async () => {
    const { ticketId, resource } = await offered();
    const volunteer = await volunteerOf(resource.id, 'vol-sees');
    for (const query of [
      `{ tickets(first: 5) { nodes { id } } }`,
      `{ regions(first: 1) { nodes { id } } }`,
      `{ resources(first: 1) { nodes { id } } }`,
      `{ compounds(first: 1) { nodes { code } } }`,
      `{ auditLog(last: 1) { seq } }`,
    ])
      expect((await errorOf(volunteer.request(query))).code).toBe('FORBIDDEN');
    // not even the ticket offered to it, by id: only what its offer shows
    for (const query of [
      `query($id: ID!) { node(id: $id) { ... on Ticket { description } } }`,
      `query($id: ID!) { node(id: $id) { ... on Ticket { reporterPhone(unmasked: true) } } }`,
      `query($id: ID!) { nodes(ids: [$id]) { ... on Ticket { reporterName reporterPhone } } }`,
    ])
      expect((await errorOf(volunteer.request(query, { id: ticketId }))).code).toBe('FORBIDDEN');
    // the offer's type has nothing about who reported
    const { __type } = await volunteer.request<{ __type: { fields: { name: string }[] } }>(
      `{ __type(name: "Offer") { fields { name } } }`,
    );
    expect(__type.fields.map((f) => f.name).filter((n) => /reporter|phone|name$/i.test(n))).toEqual(
      ['categoryName', 'compoundName'],
    );
    const everything = JSON.stringify(await myOffers(volunteer));
    expect(everything).not.toContain(PHONE);
    expect(everything).not.toContain('王五');
    // staff's own tools are not theirs
    expect(
      (
        await errorOf(
          volunteer.request(
            `mutation($input: AnswerDispatchInput!) { answerDispatch(input: $input) { id } }`,
            { input: { assignmentId: (await myOffers(volunteer))[0]!.id, answer: 'TAKE' } },
          ),
        )
      ).code,
    ).toBe('FORBIDDEN');
  });

  it('cannot act on another resource’s offers', async () => {
    const mine = await offered();
    const theirs = await offered('VOLUNTEER_TEAM', [mine.resource.id]);
    expect(theirs.resource.id).not.toBe(mine.resource.id);
    const me = await volunteerOf(mine.resource.id, 'vol-mine');
    const other = await volunteerOf(theirs.resource.id, 'vol-theirs');
    const [their] = (await myOffers(other)).filter((o) => o.status === 'OFFERED');
    expect((await myOffers(me)).map((o) => o.id)).not.toContain(their!.id);
    for (const [mutation, input] of [
      ['answerOffer', { offerId: their!.id, answer: 'TAKE' }],
      ['answerOffer', { offerId: their!.id, answer: 'DECLINE', reason: '不想去' }],
      [
        'finishOffer',
        { offerId: their!.id, note: '完成', photoKeys: [await uploadAs('vol-mine')], hours: 1 },
      ],
    ] as const) {
      const type = mutation === 'answerOffer' ? 'AnswerOfferInput' : 'FinishOfferInput';
      expect(
        await errorOf(
          me.request(`mutation($input: ${type}!) { ${mutation}(input: $input) { id } }`, {
            input,
          }),
        ),
      ).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_YOUR_OFFER' });
    }
    expect((await myOffers(other)).find((o) => o.id === their!.id)!.status).toBe('OFFERED');
    expect((await ticket(theirs.ticketId)).status).toBe('DISPATCHED');
  });

  it('lets only staff of the resource’s community invite, and only people of the kinds who answer', async () => {
    const { resource } = await offered();
    const { node } = await command.request<{ node: { community: { id: string } } }>(
      `query($id: ID!) { node(id: $id) { ... on Resource { community { id } } } }`,
      { id: resource.id },
    );
    const community2 = await clientAs(server.url, 'community2');
    const { viewer } = await community2.request<{ viewer: { jurisdictionId: string } }>(
      `{ viewer { jurisdictionId } }`,
    );
    if (viewer.jurisdictionId !== node.community.id)
      expect(await errorOf(invite(community2, resource.id, 'vol-outside'))).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'OUTSIDE_JURISDICTION',
      });
    const grid = await clientAs(server.url, 'grid');
    expect((await errorOf(invite(grid, resource.id, 'vol-grid'))).reason).toBe('NO_PERMISSION');
    const volunteer = await volunteerOf(resource.id, 'vol-invites');
    expect((await errorOf(invite(volunteer, resource.id, 'vol-friend'))).code).toBe('FORBIDDEN');
    const { resources } = await command.request<{
      resources: { nodes: { id: string; community: { id: string } | null }[] };
    }>(`{ resources(first: 20, kind: PROPERTY_COMPANY) { nodes { id community { id } } } }`);
    const company = resources.nodes.find((r) => r.community)!;
    expect((await errorOf(invite(command, company.id, 'company-x'))).reason).toBe('NOT_INVITABLE');
  });

  it('keeps availability the resource’s own, versioned', async () => {
    const { resource } = await offered();
    const volunteer = await volunteerOf(resource.id, 'vol-hours');
    const { myResource } = await volunteer.request<{ myResource: { version: number } }>(
      `{ myResource { version availability } }`,
    );
    const set = (expectedVersion: number, weekly: unknown[]) =>
      volunteer.request<{ setMyAvailability: { availability: unknown; version: number } }>(
        `mutation($input: AvailabilityInput!) { setMyAvailability(input: $input) { availability version } }`,
        { input: { expectedVersion, weekly, monthlyDays: [8, 18, 28] } },
      );
    expect(
      (await errorOf(set(myResource.version, [{ weekday: 8, from: '09:00', to: '12:00' }]))).field,
    ).toBe('input.weekly.0.weekday');
    const { setMyAvailability } = await set(myResource.version, [
      { weekday: 6, from: '09:00', to: '12:00' },
    ]);
    expect(setMyAvailability.availability).toEqual({
      weekly: [[6, '09:00', '12:00']],
      monthlyDays: [8, 18, 28],
    });
    expect((await errorOf(set(myResource.version, []))).code).toBe('CONFLICT');
    const { node } = await command.request<{ node: { availability: unknown } }>(
      `query($id: ID!) { node(id: $id) { ... on Resource { availability } } }`,
      { id: resource.id },
    );
    expect(node.availability).toEqual(setMyAvailability.availability);
  });

  it('never matches or dispatches a party member who registered until the community approves', async () => {
    const { compounds } = await command.request<{
      compounds: { nodes: { code: string; boundary: unknown; community: { code: string } }[] };
    }>(`{ compounds(first: 1) { nodes { code boundary community { code } } } }`);
    const place = compounds.nodes[0]!;
    const register = (zone: unknown) =>
      anonymousClient(server.url).request<{ registerPartyMember: { code: string } }>(
        `mutation($input: RegisterPartyMemberInput!) { registerPartyMember(input: $input) { code approved } }`,
        {
          input: {
            communityCode: place.community.code,
            name: '党员老陈',
            unit: '市供电公司',
            phone: '13700001111',
            skills: ['repair'],
            zone,
          },
        },
      );
    expect(
      (
        await errorOf(
          register({
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          }),
        )
      ).reason,
    ).toBe('OUTSIDE_COMMUNITY');
    const { registerPartyMember } = await register(place.boundary);
    const { resources } = await command.request<{
      resources: { nodes: { id: string; code: string; approved: boolean }[] };
    }>(
      `query($code: String!) { resources(first: 5, filter: { search: $code }) { nodes { id code approved } } }`,
      { code: registerPartyMember.code },
    );
    const pending = resources.nodes.find((r) => r.code === registerPartyMember.code)!;
    expect(pending.approved).toBe(false);
    // the community's registrations waiting for approval (待审核) hold it until it is approved
    const waiting = async () =>
      (
        await command.request<{ resources: { nodes: { code: string; approved: boolean }[] } }>(
          `{ resources(first: 100, approved: false) { nodes { code approved } } }`,
        )
      ).resources.nodes;
    const before = await waiting();
    expect(before.map((r) => r.code)).toContain(registerPartyMember.code);
    expect(before.every((r) => !r.approved)).toBe(true);
    const t = await acceptedTicket(place.code);
    expect((await matches(t.id, 'PARTY_MEMBER')).map((r) => r.id)).not.toContain(pending.id);
    expect(await errorOf(dispatch(t.id, t.version, [pending.id]))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'NOT_APPROVED',
    });
    // nor can it get an account before
    expect((await errorOf(invite(command, pending.id, 'pm-early'))).reason).toBe('NOT_APPROVED');
    const grid = await clientAs(server.url, 'grid');
    expect(
      (
        await errorOf(
          grid.request(`mutation($id: ID!) { approvePartyMember(resourceId: $id) { code } }`, {
            id: pending.id,
          }),
        )
      ).reason,
    ).toBe('NO_PERMISSION');
    await command.request(`mutation($id: ID!) { approvePartyMember(resourceId: $id) { code } }`, {
      id: pending.id,
    });
    expect((await waiting()).map((r) => r.code)).not.toContain(registerPartyMember.code);
    // its zone covers the ticket and it stands in it: now it is matched, and may be sent
    expect((await matches(t.id, 'PARTY_MEMBER')).map((r) => r.id)).toContain(pending.id);
    expect((await dispatch(t.id, t.version, [pending.id])).dispatchTicket.status).toBe(
      'DISPATCHED',
    );
  });

  it('shows the registration page a community’s grids and compounds without sign-in', async () => {
    const { compounds } = await command.request<{
      compounds: { nodes: { code: string; community: { code: string } }[] };
    }>(`{ compounds(first: 1) { nodes { code community { code } } } }`);
    const place = compounds.nodes[0]!;
    const anonymous = anonymousClient(server.url);
    const { registrationCommunity } = await anonymous.request<{
      registrationCommunity: {
        code: string;
        boundary: { type: string };
        zones: { kind: string; code: string; boundary: { type: string } }[];
      };
    }>(
      `query($code: String!) { registrationCommunity(code: $code) { code boundary zones { kind code boundary } } }`,
      { code: place.community.code },
    );
    expect(registrationCommunity.boundary.type).toBe('MultiPolygon');
    const kinds = new Set(registrationCommunity.zones.map((z) => z.kind));
    expect([...kinds].sort()).toEqual(['COMPOUND', 'GRID']);
    expect(registrationCommunity.zones.map((z) => z.code)).toContain(place.code);
    // every zone it offers is one the registration takes (inside the community, exactly)
    const grid = registrationCommunity.zones.find((z) => z.kind === 'GRID')!;
    const { registerPartyMember } = await anonymous.request<{
      registerPartyMember: { approved: boolean };
    }>(
      `mutation($input: RegisterPartyMemberInput!) { registerPartyMember(input: $input) { approved } }`,
      {
        input: {
          communityCode: place.community.code,
          name: '党员小赵',
          unit: '区税务局',
          phone: '13700002222',
          skills: ['tutoring'],
          zone: grid.boundary,
        },
      },
    );
    expect(registerPartyMember.approved).toBe(false);
    expect(
      (await errorOf(anonymous.request(`{ registrationCommunity(code: "NO-SUCH") { code } }`)))
        .code,
    ).toBe('NOT_FOUND');
  });

  it('sends an offer to the resource’s account as a live notice over the websocket, to it alone', async () => {
    // given two volunteer teams with accounts, each listening on its own socket
    const t = await acceptedTicket();
    const [mine, other] = (await matches(t.id, 'VOLUNTEER_TEAM')).filter((r) => r.mayDecline);
    const listen = async (resourceId: string, username: string) => {
      const { inviteResourceAccount } = await invite(command, resourceId, username);
      await accept(inviteResourceAccount.token);
      return liveSubscription<{
        myNotices: { kind: string; ticketCode: string; ticketStatus: string; text: string };
      }>(
        server.url,
        `subscription { myNotices { kind ticketCode ticketStatus text at } }`,
        {},
        await signIn(server.url, username, PASSWORD),
      );
    };
    const mySocket = await listen(mine!.id, 'vol-live');
    const otherSocket = await listen(other!.id, 'vol-live-other');
    try {
      // when staff send the ticket to the first team
      await dispatch(t.id, t.version, [mine!.id]);
      const { node } = await command.request<{ node: { code: string } }>(
        `query($id: ID!) { node(id: $id) { ... on Ticket { code } } }`,
        { id: t.id },
      );
      // then its account hears of it at once; the other team's account hears nothing
      await waitFor(() => mySocket.received.some((n) => n.myNotices.ticketCode === node.code));
      expect(JSON.stringify(mySocket.errors)).toBe('[]');
      expect(mySocket.received.map((n) => n.myNotices)).toContainEqual(
        expect.objectContaining({
          kind: 'OFFER',
          ticketCode: node.code,
          ticketStatus: 'DISPATCHED',
        }),
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(otherSocket.received.filter((n) => n.myNotices.ticketCode === node.code)).toEqual([]);
    } finally {
      await mySocket.close();
      await otherSocket.close();
    }
  });

  it('bounds registrations from one address, and staff turn one down (退回), which frees its place', async () => {
    const { compounds } = await command.request<{
      compounds: { nodes: { boundary: unknown; community: { code: string } }[] };
    }>(`{ compounds(first: 1) { nodes { boundary community { code } } } }`);
    const place = compounds.nodes[0]!;
    const register = (n: number) =>
      anonymousClient(server.url).request<{ registerPartyMember: { code: string } }>(
        `mutation($input: RegisterPartyMemberInput!) { registerPartyMember(input: $input) { code } }`,
        {
          input: {
            communityCode: place.community.code,
            name: `报到者${n}`,
            unit: '某单位',
            phone: `1370000${String(2000 + n)}`,
            skills: ['repair'],
            zone: place.boundary,
          },
        },
      );
    // this file's other registration came from the same address within the hour
    const codes: string[] = [];
    let refused: Awaited<ReturnType<typeof errorOf>> | undefined;
    for (let n = 0; n < 6 && !refused; n++) {
      try {
        codes.push((await register(n)).registerPartyMember.code);
      } catch (error) {
        refused = await errorOf(Promise.reject(error));
      }
    }
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', reason: 'REGISTRATIONS_PER_HOUR' });
    expect(codes.length).toBeGreaterThanOrEqual(4);
    const { resources } = await command.request<{ resources: { nodes: { id: string }[] } }>(
      `query($code: String!) { resources(first: 1, filter: { search: $code }) { nodes { id } } }`,
      { code: codes[0] },
    );
    const resourceId = resources.nodes[0]!.id;
    const reject = (reason: string) =>
      command.request<{ rejectPartyMember: { approved: boolean } }>(
        `mutation($id: ID!, $reason: String!) { rejectPartyMember(resourceId: $id, reason: $reason) { approved } }`,
        { id: resourceId, reason },
      );
    expect((await errorOf(reject('x'))).reason).toBe('LENGTH');
    expect((await reject('社区不认识此人')).rejectPartyMember.approved).toBe(false);
    expect((await errorOf(reject('再次退回'))).reason).toBe('ALREADY_REJECTED');
    const approve = command.request(
      `mutation($id: ID!) { approvePartyMember(resourceId: $id) { approved } }`,
      { id: resourceId },
    );
    expect((await errorOf(approve)).reason).toBe('RETIRED');
    // a volunteer's account may not turn registrations down
    const { resources: teams } = await command.request<{ resources: { nodes: { id: string }[] } }>(
      `{ resources(first: 1, kind: VOLUNTEER_TEAM) { nodes { id } } }`,
    );
    const volunteer = await volunteerOf(teams.nodes[0]!.id, 'vol-reject');
    const byVolunteer = volunteer.request(
      `mutation($id: ID!) { rejectPartyMember(resourceId: $id, reason: "不是我的") { approved } }`,
      { id: resourceId },
    );
    expect((await errorOf(byVolunteer)).code).toBe('FORBIDDEN');
  });

  it('lets an invitation link expire', async () => {
    const { resource } = await offered();
    const { inviteResourceAccount } = await invite(command, resource.id, 'vol-late', 1);
    server = await server.restart({
      YITU_CLOCK_OFFSET_MS: String(testClockOffsetMs + 2 * 3_600_000),
    });
    expect(await errorOf(accept(inviteResourceAccount.token))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVITE_EXPIRED',
    });
    expect(
      (
        await errorOf(
          new Client(`${server.url}/graphql`).request(
            `query($t: String!) { invitation(token: $t) { username } }`,
            { t: inviteResourceAccount.token },
          ),
        )
      ).reason,
    ).toBe('INVITE_EXPIRED');
  }, 240_000); // a restart: on the embedded engine the data directory is opened again
});
