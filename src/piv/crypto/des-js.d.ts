/**
 * Types for the parts of `des.js` (CommonJS, no bundled types) that Keyward uses: Triple-DES EDE in ECB
 * mode, one cipher instance per direction, padding off.
 */
declare module 'des.js' {
  interface DesCipher {
    update(data: ArrayLike<number>): number[];
    final(data?: ArrayLike<number>): number[];
  }
  interface DesCipherOptions {
    type: 'encrypt' | 'decrypt';
    key: ArrayLike<number>;
    padding?: boolean;
  }
  const des: {
    EDE: { create(options: DesCipherOptions): DesCipher };
    DES: { create(options: DesCipherOptions): DesCipher };
  };
  export default des;
}
