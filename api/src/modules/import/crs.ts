import parseWkt from 'wkt-parser';
import { badInput } from '../../errors';

// The coordinate system of an imported file: what it declares (.prj, a GeoJSON crs member) or,
// where it declares nothing, what the user chose. PostGIS transforms every EPSG system to WGS84
// (ST_Transform, PROJ); GCJ-02 and BD-09 are not geodetic systems PROJ knows, so gcoord (a
// maintained library) undoes their offset before the coordinates reach the database.

export type SourceCrs =
  | { kind: 'EPSG'; srid: number; label: string }
  /** a Gauss-Krüger zone on CGCS2000: its EPSG code is looked up in spatial_ref_sys */
  | { kind: 'GAUSS_KRUGER'; centralMeridian: number; falseEasting: number; label: string }
  | { kind: 'GCJ02' | 'BD09'; label: string };

/** The systems a user may choose for a file that names none (GraphQL ImportCrs, the panel). */
export const CRS_CHOICES = {
  WGS84: { kind: 'EPSG', srid: 4326, label: 'WGS84 (GPS)' },
  GCJ02: { kind: 'GCJ02', label: 'GCJ-02 (高德/腾讯)' },
  BD09: { kind: 'BD09', label: 'BD-09 (百度)' },
  CGCS2000: { kind: 'EPSG', srid: 4490, label: 'CGCS2000 (EPSG:4490)' },
  WEB_MERCATOR: { kind: 'EPSG', srid: 3857, label: 'Web Mercator (EPSG:3857)' },
} as const satisfies Record<string, SourceCrs>;

export type CrsChoice = keyof typeof CRS_CHOICES;

/** EPSG codes a user may name: the choices above and CGCS2000's Gauss-Krüger zones. */
export const isAcceptedSrid = (srid: number) =>
  srid === 4326 || srid === 4490 || srid === 3857 || (srid >= 4491 && srid <= 4554);

/** "WGS84", "GCJ02", "EPSG:4528" … as a user or a client names it. */
export function crsFromName(name: string, field = 'crs'): SourceCrs {
  const trimmed = name.trim().toUpperCase().replace(/[-\s]/g, '');
  if (trimmed in CRS_CHOICES) return CRS_CHOICES[trimmed as CrsChoice];
  if (trimmed === 'CRS84' || trimmed.endsWith('OGC:1.3:CRS84') || trimmed.endsWith('OGC::CRS84'))
    return CRS_CHOICES.WGS84;
  const epsg = /EPSG:+(\d{4,5})$/.exec(trimmed);
  if (epsg && isAcceptedSrid(Number(epsg[1]))) {
    const srid = Number(epsg[1]);
    const known = Object.values(CRS_CHOICES).find((c) => c.kind === 'EPSG' && c.srid === srid);
    return known ?? { kind: 'EPSG', srid, label: `EPSG:${srid}` };
  }
  throw badInput(
    field,
    'UNKNOWN_CRS',
    `"${name}" is not a coordinate system Yitu imports: choose WGS84, GCJ02, BD09, CGCS2000, WEB_MERCATOR or EPSG:4491–4554 (CGCS2000 Gauss-Krüger)`,
  );
}

const GRS80 = { a: 6378137, rf: 298.257222101 };
const WGS84 = { a: 6378137, rf: 298.257223563 };
const sameEllipsoid = (p: { a?: number; rf?: number }, e: { a: number; rf: number }) =>
  Math.abs((p.a ?? 0) - e.a) < 0.01 && Math.abs((p.rf ?? 0) - e.rf) < 1e-6;

/**
 * The system a .prj describes, in either dialect (EPSG's WKT or ESRI's). Xi'an 1980 and
 * Beijing 1954 (other ellipsoids) and anything unrecognised are refused with UNKNOWN_PRJ so the
 * user picks the system instead of the map silently landing kilometres away.
 */
export function crsFromPrj(fileName: string, prj: string): SourceCrs {
  const unknown = (what: string) =>
    badInput(
      'crs',
      'UNKNOWN_PRJ',
      `${fileName}: the .prj describes ${what}, which Yitu cannot place: reproject it to CGCS2000 or WGS84, or name the system (crs) if the .prj is wrong`,
    );
  let p: Record<string, unknown> & {
    type?: string;
    name?: string;
    projName?: string;
    AUTHORITY?: Record<string, string>;
    long0?: number;
    x0?: number;
    k0?: number;
    a?: number;
    rf?: number;
    lat0?: number;
    y0?: number;
  };
  try {
    p = parseWkt(prj.trim()) as typeof p;
  } catch {
    throw unknown('a system it cannot parse');
  }
  const epsg = p.AUTHORITY?.EPSG ?? p.AUTHORITY?.epsg;
  if (epsg && isAcceptedSrid(Number(epsg))) return crsFromName(`EPSG:${epsg}`);
  const name = String(p.name ?? 'an unnamed system');
  if (p.type === 'GEOGCS') {
    if (sameEllipsoid(p, WGS84)) return CRS_CHOICES.WGS84;
    if (sameEllipsoid(p, GRS80)) return CRS_CHOICES.CGCS2000;
    throw unknown(`${name} (not WGS84 or CGCS2000)`);
  }
  const proj = String(p.projName ?? '').toLowerCase();
  if (proj.includes('mercator_auxiliary_sphere') || /pseudo.?mercator|web.?mercator/i.test(name))
    return CRS_CHOICES.WEB_MERCATOR;
  if (['transverse_mercator', 'gauss_kruger', 'tmerc'].includes(proj)) {
    if (!sameEllipsoid(p, GRS80)) throw unknown(`${name} (a Gauss-Krüger zone not on CGCS2000)`);
    const centralMeridian = Math.round((((p.long0 ?? 0) * 180) / Math.PI) * 1e6) / 1e6;
    if ((p.k0 ?? 1) !== 1 || Math.abs(p.lat0 ?? 0) > 1e-9 || (p.y0 ?? 0) !== 0)
      throw unknown(`${name} (a transverse Mercator that is not a standard Gauss-Krüger zone)`);
    return {
      kind: 'GAUSS_KRUGER',
      centralMeridian,
      falseEasting: p.x0 ?? 0,
      label: `${name} (CGCS2000 Gauss-Krüger, central meridian ${centralMeridian}°)`,
    };
  }
  throw unknown(name);
}
