import { describe, expect, it } from 'vitest';
import {
  acceptedLanguages,
  canonicalLanguage,
  chooseLanguage,
  languageName,
  matchLanguage,
} from './languages.ts';

describe('event languages', () => {
  it.each([
    ['en', 'en'],
    ['EN', 'en'],
    ['en-gb', 'en-GB'],
    ['pt-BR', 'pt-BR'],
    ['zh-Hant-TW', 'zh-Hant-TW'],
    ['xx-!!', null],
    ['english', null],
    ['', null],
    ['e', null],
  ])('%j is %j', (code, canonical) => {
    expect(canonicalLanguage(code)).toBe(canonical);
  });

  it.each([
    ['fr', ['en', 'fr'], 'fr'],
    ['fr-CH', ['en', 'fr'], 'fr'],
    ['FR', ['en', 'fr'], 'fr'],
    ['pt', ['en', 'pt-BR'], 'pt-BR'],
    ['de', ['en', 'fr'], undefined],
    ['!', ['en'], undefined],
  ])('%s among %j is %j', (wanted, available, found) => {
    expect(matchLanguage(wanted, available)).toBe(found);
  });

  it('reads Accept-Language by weight, then order', () => {
    expect(acceptedLanguages('de-CH, fr;q=0.9, en;q=0.8, *;q=0.1')).toEqual(['de-CH', 'fr', 'en']);
    expect(acceptedLanguages('en;q=0.2, fr')).toEqual(['fr', 'en']);
    expect(acceptedLanguages('fr;q=0')).toEqual([]);
    expect(acceptedLanguages(undefined)).toEqual([]);
  });

  const available = ['en', 'fr'];
  it.each([
    // requested, cookie, accept-language → language, whether the cookie is (re)written
    [undefined, undefined, undefined, 'en', false],
    [undefined, undefined, 'fr-FR,fr;q=0.9', 'fr', false],
    [undefined, undefined, 'de, fr;q=0.5', 'fr', false],
    [undefined, 'fr', 'en', 'fr', false],
    ['en', 'fr', 'fr', 'en', true],
    ['fr', 'fr', undefined, 'fr', false],
    ['fr', undefined, undefined, 'fr', true],
    ['ja', undefined, 'fr', 'fr', false],
    [undefined, 'ja', undefined, 'en', false],
    ['"><script>', undefined, undefined, 'en', false],
  ])(
    'picked %j, cookie %j, browser %j → %s (cookie written: %s)',
    (requested, cookie, accept, language, remember) => {
      expect(chooseLanguage({ requested, cookie, acceptLanguage: accept, available })).toEqual({
        language,
        remember,
      });
    },
  );

  it('names each language in itself', () => {
    expect(languageName('fr')).toBe('Français');
    expect(languageName('de')).toBe('Deutsch');
    expect(languageName('en')).toBe('English');
  });
});
