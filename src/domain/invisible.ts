// Characters a reader cannot see, for logins that must not hide them and texts that must show something.

/** Format controls (U+200B–U+200F, U+2060, U+FEFF, U+00AD…) and every default-ignorable one (fillers, variation selectors). */
export const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;

/** Nothing a reader would see: spaces, controls, invisible characters, the blank Braille pattern. */
const BLANK = /^[\s\p{Z}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]*$/u;

export function isBlank(text: string): boolean {
  return BLANK.test(text);
}
