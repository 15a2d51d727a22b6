/**
 * Types for the parts of `des.js` (1.1) the virtual card uses: single-block 3DES-EDE in ECB mode for the
 * PIV management key (SP 800-78-4 Table 5, algorithm 03).
 */
declare module 'des.js' {
  /** A block cipher instance; `update`/`final` return the output bytes as a number array. */
  interface DesCipher {
    update(data: ArrayLike<number>): number[];
    final(): number[];
  }
  interface DesCipherFactory {
    create(options: { type: 'encrypt' | 'decrypt'; key: ArrayLike<number>; padding?: boolean }): DesCipher;
  }
  /** Triple DES, encrypt-decrypt-encrypt with a 24-byte key. */
  export const EDE: DesCipherFactory;
}
