import { DEFAULT_THEME, mergeMantineTheme } from '@mantine/core';
import { describe, expect, it } from 'vitest';

import { contrastRatio, cssVariablesResolver, readableOn, theme } from './theme';

// WCAG 2.x relative luminance, written out here so the check does not trust the code under test.
function wcagLuminance(color: string): number {
  const match = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  const channels = match
    ? [match[1], match[2], match[3]].map(Number)
    : [0, 2, 4].map((i) => parseInt(hex![1]!.slice(i, i + 2), 16));
  const [r, g, b] = channels.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function wcagContrast(a: string, b: string): number {
  const [hi, lo] = [wcagLuminance(a), wcagLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('contrast helpers', () => {
  it('computes the WCAG ratio: black on white is 21, a colour on itself is 1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#1864ab', '#1864ab')).toBeCloseTo(1, 5);
  });

  it('leaves a colour that already reads alone', () => {
    expect(readableOn('#212529', '#ffffff')).toBe('#212529');
  });

  it('darkens yellow until it reads on white', () => {
    expect(wcagContrast('#fab005', '#ffffff')).toBeLessThan(4.5);
    expect(wcagContrast(readableOn('#fab005', '#ffffff'), '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });
});

describe('cssVariablesResolver', () => {
  const merged = mergeMantineTheme(DEFAULT_THEME, theme);
  const light = cssVariablesResolver(merged).light as Record<string, string>;

  it('makes dimmed text meet 4.5:1 on white and on gray-0', () => {
    const dimmed = light['--mantine-color-dimmed']!;
    expect(wcagContrast(dimmed, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(wcagContrast(dimmed, merged.colors.gray[0])).toBeGreaterThanOrEqual(4.5);
  });

  it('makes field error text meet 4.5:1 on white', () => {
    const error = light['--mantine-color-error']!;
    expect(wcagContrast(error, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(wcagContrast(merged.colors.red[6], '#ffffff')).toBeLessThan(4.5); // why it is set
  });

  it.each(Object.keys(DEFAULT_THEME.colors))(
    'gives %s readable light and filled variants',
    (name) => {
      const shades = merged.colors[name]!;
      const lightColor = light[`--mantine-color-${name}-light-color`]!;
      const filled = light[`--mantine-color-${name}-filled`]!;
      expect(wcagContrast(lightColor, shades[1])).toBeGreaterThanOrEqual(4.5);
      expect(wcagContrast('#ffffff', filled)).toBeGreaterThanOrEqual(4.5);
    },
  );
});
