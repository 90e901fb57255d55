import {
  type CSSVariablesResolver,
  createTheme,
  darken,
  getPrimaryShade,
  luminance,
} from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 7, dark: 5 },
  defaultRadius: 'md',
  fontFamily:
    'Inter, "Segoe UI", "Noto Sans", "Noto Sans Arabic", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '700' },
  // People who ask their system for less motion get no fades or slides (WCAG 2.3.3).
  respectReducedMotion: true,
});

/** WCAG 2 contrast ratio of two colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** `color`, darkened in small steps until text in it reads on `background` (WCAG AA, 4.5:1). */
export function readableOn(color: string, background: string, minimum = 4.5): string {
  let result = color;
  for (let step = 1; step <= 20 && contrastRatio(result, background) < minimum; step += 1) {
    result = darken(color, step * 0.05);
  }
  return result;
}

/**
 * Mantine's defaults miss WCAG AA in places: dimmed text (gray-6 on white, 3.3:1), error text,
 * "light" badges and buttons in teal, green, lime, yellow and orange, and white text on several
 * filled colours.
 * Status badges are everywhere in a finance app, so the palette is corrected once here.
 */
export const cssVariablesResolver: CSSVariablesResolver = (resolved) => {
  const shade = getPrimaryShade(resolved, 'light');
  const light: Record<string, string> = {
    '--mantine-color-dimmed': '#5f6670',
    // Field errors are red-6 text on white (3.3:1): darkened until they read.
    '--mantine-color-error': readableOn(resolved.colors.red[6], '#ffffff'),
  };
  for (const [name, shades] of Object.entries(resolved.colors)) {
    const filled = readableOn(shades[shade], '#ffffff');
    light[`--mantine-color-${name}-filled`] = filled;
    light[`--mantine-color-${name}-filled-hover`] = darken(filled, 0.1);
    light[`--mantine-color-${name}-light-color`] = readableOn(shades[9], shades[1]);
  }
  return { variables: {}, light, dark: {} };
};
