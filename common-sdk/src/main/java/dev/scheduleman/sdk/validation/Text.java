package dev.scheduleman.sdk.validation;

import java.util.Optional;

/**
 * Control characters in text fields. PostgreSQL cannot store NUL in text or jsonb at all (the write
 * would fail as a server error), and the other C0 controls and DEL have no place in a name, a label
 * or a description, where they could hide text or forge log lines.
 */
public final class Text {

  private Text() {}

  /** Why a single-line text is not acceptable: any control character. */
  public static Optional<String> controlProblem(String text) {
    return problem(text, false);
  }

  /**
   * Why a free text (a description, a body) is not acceptable: controls but tab and line breaks.
   */
  public static Optional<String> controlProblemAllowingLineBreaks(String text) {
    return problem(text, true);
  }

  private static Optional<String> problem(String text, boolean lineBreaks) {
    if (text == null) {
      return Optional.empty();
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = c < 0x20 || c == 0x7f;
      if (control && !(lineBreaks && (c == '\t' || c == '\n' || c == '\r'))) {
        return Optional.of(
            "must not contain control characters (found U+%04X at position %d)"
                .formatted((int) c, i));
      }
    }
    return Optional.empty();
  }
}
