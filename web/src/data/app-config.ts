// What the server says about this deployment (GET /config.json): the basemap, if any.

export type Crs = 'WGS84' | 'GCJ02';

export interface Basemap {
  /** raster: XYZ tiles; style: a MapLibre style JSON (vector tiles) drawn under our layers. */
  kind: 'raster' | 'style';
  url: string;
  crs: Crs;
  attribution: string;
}

export interface AppConfig {
  basemap: Basemap | null;
}

export async function fetchAppConfig(signal?: AbortSignal): Promise<AppConfig> {
  const res = await fetch('/config.json', { signal: signal ?? null });
  if (!res.ok) return { basemap: null }; // an older server: no basemap
  return (await res.json()) as AppConfig;
}

/** The CRS the map draws in: the basemap's, so shapes sit on GCJ-02 tiles where they belong. */
export const displayCrs = (config: AppConfig): Crs => config.basemap?.crs ?? 'WGS84';

/** A vector basemap's style, fetched before the map is built; null when it cannot be had. */
export async function fetchBaseStyle(basemap: Basemap | null): Promise<unknown> {
  if (basemap?.kind !== 'style') return null;
  try {
    const res = await fetch(basemap.url);
    return res.ok ? await res.json() : null;
  } catch {
    return null; // offline: the map still works over its plain background
  }
}
