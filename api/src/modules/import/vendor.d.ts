// Types for the libraries the importer uses that ship none. Included by api's and tests' tsconfig.
// shpjs ships no types: the two readers Yitu calls (read.ts), coordinates left in the file's system.
declare module 'shpjs' {
  export function parseShp(shp: DataView | ArrayBuffer, prj?: string): unknown[];
  export function parseDbf(
    dbf: DataView | ArrayBuffer,
    encoding?: string,
  ): Record<string, unknown>[];
}

// wkt-parser (proj4's) ships no types: it returns the parsed system as a plain object.
declare module 'wkt-parser' {
  export default function parse(wkt: string): Record<string, unknown>;
}
