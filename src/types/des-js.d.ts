/**
 * Types for the parts of `des.js` 1.1 (CommonJS, no bundled types) Keyward uses: DES and Triple-DES EDE
 * in ECB mode for the PIV management key (SP 800-78-4 Table 5, algorithm 03), one instance per direction.
 */
declare module 'des.js' {
  /** A block cipher instance; `update`/`final` return the output bytes as a number array. */
  interface DesCipher {
    update(data: ArrayLike<number>): number[];
    final(data?: ArrayLike<number>): number[];
  }
  interface DesCipherFactory {
    create(options: { type: 'encrypt' | 'decrypt'; key: ArrayLike<number>; padding?: boolean }): DesCipher;
  }
  /** Triple DES, encrypt-decrypt-encrypt with a 24-byte key. */
  export const EDE: DesCipherFactory;
  /** Single DES with an 8-byte key. */
  export const DES: DesCipherFactory;
  const des: { EDE: DesCipherFactory; DES: DesCipherFactory };
  export default des;
}
