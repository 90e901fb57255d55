import { afterEach, describe, expect, it } from 'vitest';

import ar from '@/locales/ar.json';
import passwordRules from '@server/auth/password_rules.json';
import en from '@/locales/en.json';

import i18n, { changeLanguage } from './i18n';

type Tree = { [key: string]: string | Tree };

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
  );
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();
}

describe('locales', () => {
  it('gives Arabic exactly the keys of English', () => {
    expect(keys(ar).sort()).toEqual(keys(en).sort());
  });

  it('keeps the same {{placeholders}} in every Arabic text', () => {
    const lookup = (tree: Tree, path: string) =>
      path.split('.').reduce<string | Tree>((node, part) => (node as Tree)[part] ?? '', tree);
    for (const key of keys(en)) {
      expect(placeholders(lookup(ar, key) as string), key).toEqual(
        placeholders(lookup(en, key) as string),
      );
    }
  });

  it('has a message for every password rule the API enforces', () => {
    for (const rule of passwordRules.rules) {
      expect(Object.keys(en.validation.password), rule.id).toContain(rule.id);
    }
  });

  it('has no empty text', () => {
    for (const [name, tree] of [
      ['en', en],
      ['ar', ar],
    ] as const) {
      const lookup = (path: string) =>
        path.split('.').reduce<string | Tree>((node, part) => (node as Tree)[part] ?? '', tree);
      for (const key of keys(tree)) expect(lookup(key), `${name}:${key}`).not.toBe('');
    }
  });
});

describe('changeLanguage', () => {
  afterEach(async () => {
    await changeLanguage('en');
    localStorage.clear();
  });

  it('switches <html> to rtl for Arabic and back to ltr for English', async () => {
    await changeLanguage('ar');
    expect(document.documentElement.dir).toBe('rtl');
    expect(document.documentElement.lang).toBe('ar');
    expect(i18n.t('notFound.title')).toBe(ar.notFound.title);

    await changeLanguage('en');
    expect(document.documentElement.dir).toBe('ltr');
    expect(document.documentElement.lang).toBe('en');
  });

  it('remembers the choice for the next visit', async () => {
    await changeLanguage('ar');
    expect(localStorage.getItem('involinks.language')).toBe('ar');
  });
});
