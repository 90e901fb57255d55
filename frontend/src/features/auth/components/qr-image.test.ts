import { describe, expect, it } from 'vitest';

import { qrImageSource } from './mfa-settings';

describe('qrImageSource', () => {
  it('adds the SVG namespace an <img> needs to the inline SVG of the API', () => {
    const source = qrImageSource('<svg width="10" height="10"><path d="M0 0h1"/></svg>');
    const svg = decodeURIComponent(source.replace('data:image/svg+xml;charset=utf-8,', ''));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="10"')).toBe(true);
  });

  it('leaves an SVG that has its namespace alone', () => {
    const given = '<svg xmlns="http://www.w3.org/2000/svg"></svg>';
    expect(qrImageSource(given)).toBe(
      `data:image/svg+xml;charset=utf-8,${encodeURIComponent(given)}`,
    );
  });
});
