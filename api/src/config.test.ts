import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded engine on port 4000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/data$/);
  });

  it('honours PORT, DATA_DIR and DATABASE_URL', () => {
    const config = loadConfig({
      PORT: '5123',
      DATA_DIR: '/tmp/x',
      DATABASE_URL: 'postgres://u@h/db',
    });
    expect(config).toMatchObject({
      port: 5123,
      dataDir: '/tmp/x',
      databaseUrl: 'postgres://u@h/db',
    });
  });

  it('refuses a bad PORT or DATABASE_URL with a clear message', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be an integer/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/postgres/);
  });
});

describe('upload rules', () => {
  it('default to 8 MB, 64 megapixels, 30 anonymous uploads an hour and a 256 MB quota', () => {
    expect(loadConfig({})).toMatchObject({
      maxPhotoBytes: 8 * 1024 * 1024,
      maxPhotoPixels: 64_000_000,
      anonymousUploadsPerHour: 30,
      unattachedPhotoQuotaBytes: 256 * 1024 * 1024,
      trustProxyHops: 0,
    });
  });

  it('refuse a negative or fractional setting with its name', () => {
    expect(() => loadConfig({ YITU_MAX_PHOTO_PIXELS: '0' })).toThrow(
      /YITU_MAX_PHOTO_PIXELS must be ≥ 1/,
    );
    expect(() => loadConfig({ YITU_ANONYMOUS_UPLOADS_PER_HOUR: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ YITU_TRUST_PROXY_HOPS: '1.5' })).toThrow(/must be an integer/);
  });
});

describe('working calendar configuration', () => {
  it('reads holidays and make-up working days, refusing malformed dates', () => {
    const config = loadConfig({
      YITU_HOLIDAYS: '2027-01-01, 2027-02-06',
      YITU_WORKING_WEEKENDS: '2027-02-14',
    });
    expect(config.holidays).toEqual(['2027-01-01', '2027-02-06']);
    expect(config.workingWeekends).toEqual(['2027-02-14']);
    expect(() => loadConfig({ YITU_HOLIDAYS: '1/1/2027' })).toThrow(/YYYY-MM-DD/);
  });
});

describe('basemap configuration', () => {
  it('has no basemap by default: the map works offline', () => {
    expect(loadConfig({}).basemap).toBeNull();
  });

  it('reads a tile template, its CRS and attribution', () => {
    expect(
      loadConfig({
        YITU_BASEMAP_URL: 'https://t0.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&l={z}',
        YITU_BASEMAP_ATTRIBUTION: '天地图',
      }).basemap,
    ).toEqual({
      kind: 'raster',
      url: 'https://t0.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&l={z}',
      crs: 'WGS84',
      attribution: '天地图',
    });
    expect(
      loadConfig({
        YITU_BASEMAP_URL: 'https://a.example/{z}/{x}/{y}.png',
        YITU_BASEMAP_CRS: 'gcj02',
      }).basemap?.crs,
    ).toBe('GCJ02');
  });

  it('takes a vector style URL instead, not both', () => {
    expect(
      loadConfig({ YITU_BASEMAP_STYLE_URL: 'https://styles.example/streets.json' }).basemap,
    ).toEqual({
      kind: 'style',
      url: 'https://styles.example/streets.json',
      crs: 'WGS84',
      attribution: '',
    });
    expect(() =>
      loadConfig({
        YITU_BASEMAP_STYLE_URL: 'https://styles.example/streets.json',
        YITU_BASEMAP_URL: 'https://a.example/{z}/{x}/{y}.png',
      }),
    ).toThrow(/not both/);
  });

  it('refuses a URL without {z}/{x}/{y} and an unknown CRS', () => {
    expect(() => loadConfig({ YITU_BASEMAP_URL: 'https://a.example/tiles' })).toThrow(/\{z\}/);
    expect(() =>
      loadConfig({
        YITU_BASEMAP_URL: 'https://a.example/{z}/{x}/{y}.png',
        YITU_BASEMAP_CRS: 'BD09',
      }),
    ).toThrow(/WGS84 or GCJ02/);
  });
});
