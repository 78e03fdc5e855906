package dev.scheduleman.storage.sql;

/**
 * Text as PostgreSQL can store it. A {@code text} column refuses the NUL character (and a batch
 * holding one fails as a whole), so what comes from outside, a receiver's answer above all, is
 * cleaned before it is bound: NUL and other control characters but tab and line breaks become
 * U+FFFD, unpaired surrogates too, and the length is bounded without splitting a character.
 */
public final class StoredText {

  private static final char REPLACEMENT = '\uFFFD';

  private StoredText() {}

  /**
   * @param maxChars the most characters kept (a cut text ends with "…")
   * @return the cleaned text, or null for null
   */
  public static String clean(String text, int maxChars) {
    if (text == null) {
      return null;
    }
    int length = text.length();
    boolean cut = text.codePointCount(0, length) > maxChars;
    StringBuilder out = new StringBuilder(Math.min(length, maxChars + 1));
    int kept = 0;
    for (int i = 0; i < length && kept < (cut ? maxChars - 1 : maxChars); ) {
      int cp = text.codePointAt(i);
      int width = Character.charCount(cp);
      boolean control = Character.isISOControl(cp) && cp != '\t' && cp != '\n' && cp != '\r';
      boolean loneSurrogate = width == 1 && Character.isSurrogate((char) cp);
      if (control || loneSurrogate) {
        out.append(REPLACEMENT);
      } else {
        out.appendCodePoint(cp);
      }
      kept++;
      i += width;
    }
    if (cut) {
      out.append('…');
    }
    return out.toString();
  }
}
