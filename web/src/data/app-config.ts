// What the server says about this deployment (GET /config.json): the basemap, if any.

export type Crs = 'WGS84' | 'GCJ02';

export interface Basemap {
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
