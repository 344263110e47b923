import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets at rest (source signing secrets) with AES-256-GCM under a key from the environment.
 * Format: `v1:<iv>:<tag>:<ciphertext>`, base64 parts; the version leaves room for key rotation.
 */
export class SecretBox {
  readonly #key: Buffer;
  /** Its own key for pseudonyms, derived once, so a pseudonym never says anything about the encryption key. */
  readonly #pseudonymKey: Buffer;

  constructor(hexKey: string) {
    this.#key = Buffer.from(hexKey, 'hex');
    if (this.#key.length !== 32) throw new Error('secret key must be 32 bytes (64 hex characters)');
    this.#pseudonymKey = Buffer.from(hkdfSync('sha256', this.#key, '', 'cxloop pseudonym v1', 32));
  }

  /**
   * A stable stand-in for a personal value (a phone number, an email) within one scope (an organisation):
   * equal inputs give equal pseudonyms, so repeat contacts stay visible, and without the key nobody can test
   * guesses against it (a bare hash of a phone number is reversed by trying every number).
   * @example box.pseudonym(orgId, '+447700900123') // 'p_5c1f0e9a2b7d4c36'
   */
  pseudonym(scope: string, value: string): string {
    const mac = createHmac('sha256', this.#pseudonymKey).update(scope).update('\0').update(value);
    return `p_${mac.digest('hex').slice(0, 16)}`;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64')))
      .join(':');
  }

  open(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined)
      throw new Error('unrecognised sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  }
}
