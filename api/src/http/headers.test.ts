import { describe, expect, it } from 'vitest';
import { basemapSource, contentSecurityPolicy } from './headers';

describe('page headers', () => {
  it('allow the configured basemap host, and only it, for images and fetches', () => {
    expect(basemapSource('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe(
      'https://tile.openstreetmap.org',
    );
    // Tianditu's t0 … t7 subdomains
    expect(basemapSource('https://t{s}.tianditu.gov.cn/img_w/wmts?x={x}&y={y}&l={z}')).toBe(
      'https://*.tianditu.gov.cn',
    );
    expect(basemapSource('https://a.{s}.example.com/{z}/{x}/{y}')).toBe('https:');
    const csp = contentSecurityPolicy(
      {
        kind: 'style',
        url: 'https://demotiles.maplibre.org/style.json',
        crs: 'WGS84',
        attribution: '',
      },
      'app',
    );
    expect(csp).toContain("img-src 'self' data: blob: https://demotiles.maplibre.org;");
    expect(csp).toContain("connect-src 'self' https://demotiles.maplibre.org;");
    expect(contentSecurityPolicy(null, 'app')).toContain("connect-src 'self';");
  });
});
