import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { YituError } from '../errors';
import { invalidTextRefusal, isValidText, storableText } from './text';

const fieldOf = (query: string, variables: Record<string, unknown> = {}) => {
  const refusal = invalidTextRefusal(parse(query), variables);
  return refusal && (refusal.originalError as YituError).field;
};

describe('text PostgreSQL can store', () => {
  it('accepts Chinese, emoji (surrogate pairs) and control characters other than NUL', () => {
    for (const text of ['电梯停了', '👍🏽 ok', 'tab\tand\nnewline', ''])
      expect(isValidText(text)).toBe(true);
  });

  it('refuses U+0000 and lone surrogates, and stores them replaced', () => {
    for (const text of ['a\u0000b', '\ud800', 'x\udc00', '\ud83d'])
      expect(isValidText(text)).toBe(false);
    expect(storableText('a\u0000b\ud800')).toBe('a\ufffdb\ufffd');
  });

  it('names the variable path or the argument of the literal at fault', () => {
    const q = 'mutation($input: TicketActionInput!) { actOnTicket(input: $input) { id } }';
    expect(fieldOf(q, { input: { ticketId: 'x' } })).toBeNull();
    expect(fieldOf(q, { input: { photoKeys: ['ok', 'b\u0000'] } })).toBe('input.photoKeys.1');
    expect(fieldOf(q, { input: {}, pad: '\u0000' })).toBe('pad');
    expect(fieldOf('{ a(text: "x\\u0000") }')).toBe('text');
    expect(fieldOf('{ a(input: { list: ["ok", "\\u0000"] }) }')).toBe('input.list');
    expect(fieldOf('query($v: String = "\\u0000") { a(text: $v) }')).toBe('v');
  });

  it('walks variables nested deeper than the call stack', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(fieldOf('{ a }', { deep })).toMatch(/^deep(\.0)+$/);
  });
});
