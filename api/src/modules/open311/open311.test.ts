import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { errorBody, render } from './open311.format';
import { chinaTime, parseDate, personName, requestQuery } from './open311.params';

const NOW = new Date('2026-11-30T04:00:00Z');
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    const e = error as { field?: string; reason?: string };
    return `${e.field} ${e.reason}`;
  }
  return 'accepted';
};

describe('GeoReport v2 formats', () => {
  it('writes a list as the spec does: a bare JSON array, XML items under their root', () => {
    const body = {
      root: 'service_requests',
      item: 'request',
      list: [{ service_request_id: 'T1', account_id: null, lat: 31.5 }],
    };
    expect(JSON.parse(render('json', body))).toEqual(body.list);
    const xml = render('xml', body);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<account_id/>');
    expect(new XMLParser().parse(xml)).toMatchObject({
      service_requests: { request: { service_request_id: 'T1', lat: 31.5 } },
    });
  });

  it('wraps list fields (formats, attributes) one element per item', () => {
    const xml = render('xml', {
      root: 'discovery',
      object: {
        endpoints: [{ url: 'http://x/open311/v2', formats: ['text/xml', 'application/json'] }],
      },
    });
    expect(new XMLParser().parse(xml).discovery.endpoints.endpoint.formats.format).toEqual([
      'text/xml',
      'application/json',
    ]);
  });

  it('escapes markup and drops characters XML cannot hold, so the answer stays well-formed', () => {
    const xml = render('xml', {
      root: 'service_requests',
      item: 'request',
      list: [{ description: '<b>漏水</b> & "x"\u0001\uD800' }],
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(new XMLParser().parse(xml).service_requests.request.description).toBe(
      '<b>漏水</b> & "x"',
    );
  });

  it('answers errors as [{code, description}] and <errors><error>', () => {
    const body = errorBody([{ code: 403, description: 'bad key' }]);
    expect(JSON.parse(render('json', body))).toEqual([{ code: 403, description: 'bad key' }]);
    expect(new XMLParser().parse(render('xml', body))).toMatchObject({
      errors: { error: { code: 403, description: 'bad key' } },
    });
  });
});

describe('GeoReport v2 parameters', () => {
  it('reads the last 90 days, 1,000 at most, when no window is given', () => {
    const q = requestQuery({}, NOW);
    expect(q.end).toEqual(NOW);
    expect(NOW.getTime() - q.start.getTime()).toBe(90 * 86_400_000);
    expect(q.limit).toBe(1000);
  });

  it('runs a window of 90 days from a start date alone', () => {
    const q = requestQuery({ start_date: '2026-09-01T00:00:00+08:00' }, NOW);
    expect(q.end.toISOString()).toBe('2026-11-29T16:00:00.000Z');
  });

  it('refuses a window over 90 days, a start after its end, and dates without a zone', () => {
    expect(
      refusal(() =>
        requestQuery({ start_date: '2026-01-01T00:00:00Z', end_date: '2026-04-02T00:00:00Z' }, NOW),
      ),
    ).toBe('end_date WINDOW');
    expect(
      refusal(() =>
        requestQuery({ start_date: '2026-03-01T00:00:00Z', end_date: '2026-02-01T00:00:00Z' }, NOW),
      ),
    ).toBe('start_date AFTER_END');
    expect(refusal(() => parseDate('2026-03-01T00:00:00', 'start_date'))).toBe('start_date FORMAT');
    expect(refusal(() => requestQuery({ status: 'pending' }, NOW))).toBe('status UNKNOWN');
    expect(refusal(() => requestQuery({ page_size: '1001' }, NOW))).toBe('page_size OUT_OF_RANGE');
    expect(refusal(() => requestQuery({ service_request_id: "T1,x'y" }, NOW))).toBe(
      'service_request_id FORMAT',
    );
  });

  it('writes times at +08:00 and names Chinese family name first', () => {
    expect(chinaTime(new Date('2026-11-29T17:30:05.123Z'))).toBe('2026-11-30T01:30:05+08:00');
    expect(personName('三', '张')).toBe('张三');
    expect(personName('Ada', 'Lovelace')).toBe('Ada Lovelace');
    expect(personName(null, ' ')).toBeNull();
  });
});
