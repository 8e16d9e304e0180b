import { XMLBuilder } from 'fast-xml-parser';

// GeoReport v2's two formats from one value: JSON as the spec's examples give it (a bare array of
// requests, services or errors; discovery and a service definition as objects), XML with the
// spec's element names (a list's root and the element each item is named by). No HTTP here.

export type Open311Format = 'json' | 'xml';
export const OPEN311_FORMATS: readonly Open311Format[] = ['json', 'xml'];

export const CONTENT_TYPE: Record<Open311Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

type Scalar = string | number | boolean | null;
export interface Open311Record {
  [key: string]: Scalar | Scalar[] | Open311Record | Open311Record[];
}

/** What an answer holds: a list (named root and item) or one object (named root). */
export type Open311Body =
  { list: Open311Record[]; root: string; item: string } | { object: Open311Record; root: string };

/** In XML, a list field (formats, attributes, values) is a wrapper holding one element per item. */
const XML_ITEMS: Record<string, string> = {
  endpoints: 'endpoint',
  formats: 'format',
  attributes: 'attribute',
  values: 'value',
};

const builder = new XMLBuilder({
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // for the declaration's version and encoding only: no field of ours is an attribute
  ignoreAttributes: false,
});

// XML 1.0 has no place for most control characters or lone surrogates: a description holding one
// (pasted from somewhere) must not make the whole answer ill-formed
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function forXml(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return value.replace(NOT_XML, '');
  if (Array.isArray(value)) {
    const item = XML_ITEMS[key];
    const items = value.map((v) => forXml(v));
    return item ? { [item]: items } : items;
  }
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forXml(v, k)]));
  return value;
}

export function render(format: Open311Format, body: Open311Body): string {
  if (format === 'json') return JSON.stringify('list' in body ? body.list : body.object);
  const content =
    'list' in body ? { [body.item]: body.list.map((r) => forXml(r)) } : forXml(body.object);
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    [body.root]: content,
  }) as string;
}

export interface Open311Error {
  code: number;
  description: string;
}

/** The spec's error answer: `[{code, description}]`, `<errors><error><code>…`. */
export const errorBody = (errors: Open311Error[]): Open311Body => ({
  list: errors.map((e) => ({ code: e.code, description: e.description })),
  root: 'errors',
  item: 'error',
});
