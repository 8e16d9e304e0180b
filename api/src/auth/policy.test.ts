import { describe, expect, it } from 'vitest';
import { isObjectType } from 'graphql';
import { buildYituSchema } from '../graphql/schema';
import { ROOT_RULES, TYPE_RULES } from './policy';

// The policy refuses whatever has no rule; these checks keep the rules and the schema in step,
// so a new query or type cannot ship without a decision about who may see it.

describe('the authorization policy covers the whole schema', async () => {
  const schema = await buildYituSchema();
  const roots = ['Query', 'Mutation', 'Subscription'].flatMap((name) => {
    const type = schema.getType(name);
    return isObjectType(type) ? Object.keys(type.getFields()).map((f) => `${name}.${f}`) : [];
  });
  const objectTypes = Object.values(schema.getTypeMap()).filter(
    (t) =>
      isObjectType(t) &&
      !t.name.startsWith('__') &&
      !['Query', 'Mutation', 'Subscription'].includes(t.name),
  );

  it('has a rule for every root field', () => {
    expect(roots.filter((f) => !ROOT_RULES[f])).toEqual([]);
  });

  it('has no rule for a root field that does not exist', () => {
    expect(Object.keys(ROOT_RULES).filter((f) => !roots.includes(f))).toEqual([]);
  });

  it('has a rule for every object type (connections and edges inherit)', () => {
    const missing = objectTypes
      .map((t) => t.name)
      .filter((name) => !TYPE_RULES[name] && !/(Connection|Edge)$/.test(name));
    expect(missing).toEqual([]);
  });

  it('keeps tickets, their events, dispatches and photos under the jurisdiction rule', () => {
    for (const name of ['Ticket', 'TicketEvent', 'TicketAssignment', 'Photo'])
      expect(TYPE_RULES[name]).toBe('ticket');
  });

  it('leaves public only what the resident pages need', () => {
    const open = Object.entries(ROOT_RULES)
      .filter(([, rule]) => rule.need === 'public')
      .map(([field]) => field)
      .sort();
    expect(open).toEqual([
      'Mutation.rateTicket',
      'Mutation.reopenTicket',
      'Mutation.reportTicket',
      'Mutation.signIn',
      'Mutation.signOut',
      'Query.categories',
      'Query.followTicket',
      'Query.qrCompound',
      'Query.viewer',
    ]);
  });
});
