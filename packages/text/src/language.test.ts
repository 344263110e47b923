import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language.js';
import { tokenise } from './tokenise.js';

const detect = (text: string) => detectLanguage(tokenise(text));

describe('detectLanguage', () => {
  it('analyses English, including short feedback without function words', () => {
    expect(detect('The delivery was late and the driver was rude')).toMatchObject({
      code: 'en',
      analysed: true,
    });
    expect(detect('Still no refund, disgusting')).toMatchObject({ code: 'en', analysed: true });
    expect(detect('Online ordering was a breeze')).toMatchObject({ code: 'en', analysed: true });
  });

  it('marks other Latin-script languages as not analysed', () => {
    expect(detect('Le service était très lent et le personnel pas aimable')).toMatchObject({
      code: 'fr',
      analysed: false,
    });
    expect(detect('Der Service war sehr schlecht und die Lieferung kam nicht')).toMatchObject({
      code: 'de',
      analysed: false,
    });
    expect(detect('Muy mal servicio, no lo recomiendo para nada')).toMatchObject({
      code: 'es',
      analysed: false,
    });
  });

  it('does not take short English with words other languages share for Portuguese or Polish', () => {
    for (const text of [
      'as soon as I call customer service I am disconnected',
      "As steamy as last week's pork dumplings.",
      'A picture as erratic as its central character.',
      'Me and my son waited an hour',
    ]) {
      expect(detect(text), text).toMatchObject({ code: 'en', analysed: true });
    }
  });

  it('still tells short feedback in other languages by their letters and little words', () => {
    expect(detect('Paczka nie dotarła do tej pory')).toMatchObject({ code: 'pl', analysed: false });
    expect(detect('Pakken er ikke kommet endnu')).toMatchObject({ code: 'da', analysed: false });
    expect(detect('Não recebi o reembolso até agora')).toMatchObject({ code: 'pt', analysed: false });
    // No function word at all: the letters only Polish writes.
    expect(detect('Obsługa fatalna, pieniądze przepadły')).toMatchObject({ code: 'pl', analysed: false });
  });

  it('identifies non-Latin scripts', () => {
    expect(detect('Очень плохой сервис')).toMatchObject({ code: 'ru', analysed: false });
    expect(detect('サービスがとても悪かった')).toMatchObject({ code: 'ja', analysed: false });
  });

  it('leaves text with no evidence undetermined but analysable', () => {
    expect(detect('10/10')).toMatchObject({ code: 'und', analysed: true });
  });
});
