import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32).toString('hex'));

  it('round-trips a secret and never stores it in the clear', () => {
    const sealed = box.seal('whsec_abc');
    expect(sealed).not.toContain('whsec_abc');
    expect(box.open(sealed)).toBe('whsec_abc');
    expect(box.seal('whsec_abc')).not.toBe(sealed); // fresh IV each time
  });

  it('refuses a tampered ciphertext or another key', () => {
    const sealed = box.seal('whsec_abc');
    const parts = sealed.split(':');
    const tampered = [...parts.slice(0, 3), Buffer.from('whsec_abd').toString('base64')].join(':');
    expect(() => box.open(tampered)).toThrow();
    expect(() => new SecretBox(randomBytes(32).toString('hex')).open(sealed)).toThrow();
  });

  it('rejects a key of the wrong length', () => {
    expect(() => new SecretBox('abcd')).toThrow(/32 bytes/);
  });
});
