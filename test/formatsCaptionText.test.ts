import { describe, expect, test } from 'vitest';
import { cleanCaptions, decodeUtf8Strict, normaliseCaptionText } from '../src/data/formats/captionText';
import { ImportError } from '../src/data/import/types';

describe('normaliseCaptionText', () => {
  test('NFC: a combining accent becomes one code point', () => {
    const out = normaliseCaptionText('cafe\u0301');
    expect(out).toBe('caf\u00e9');
    expect(out.length).toBe(4);
  });

  test('all whitespace collapses to single spaces, trimmed; case kept', () => {
    expect(normaliseCaptionText('  A\u00a0red\n\nSquare\t on\r\n a \u2003 Circle \u3000')).toBe('A red Square on a Circle');
    expect(normaliseCaptionText('line\u2028break\u0085next\ufeff')).toBe('line break next');
    expect(normaliseCaptionText(' \n\t\u00a0 ')).toBe('');
  });

  test('cleanCaptions normalises, drops empty and repeated captions', () => {
    expect(cleanCaptions(['a  cat', 'a cat', ' ', 'e\u0301', '\u00e9'])).toEqual(['a cat', '\u00e9']);
  });
});

describe('decodeUtf8Strict', () => {
  test('decodes UTF-8 and strips a BOM', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('日本 café')]);
    expect(decodeUtf8Strict(bytes, 'x.txt')).toBe('日本 café');
  });

  test('invalid UTF-8 (Latin-1 bytes) is an ImportError', () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]); // "café" in Latin-1
    expect(() => decodeUtf8Strict(latin1, 'shard.tar: 0001')).toThrow(ImportError);
    try {
      decodeUtf8Strict(latin1, 'shard.tar: 0001');
    } catch (e) {
      expect((e as ImportError).file).toBe('shard.tar: 0001');
      expect((e as ImportError).reason).toBe('caption is not valid UTF-8');
    }
    // The decoder is reusable after an error.
    expect(decodeUtf8Strict(new TextEncoder().encode('ok'), 'y')).toBe('ok');
  });
});
