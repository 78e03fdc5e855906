package dev.scheduleman.api.tasks;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Regular expressions of tenants' schemas ({@code pattern}, {@code patternProperties}), matched
 * with a deadline: a pattern that backtracks catastrophically ({@code ^(a|a)*$} on a long string)
 * would otherwise hold an API thread for minutes, for every tenant's requests. Java's matcher reads
 * its input through {@link CharSequence#charAt}, so the input itself checks the clock and ends the
 * match.
 */
final class BoundedRegex implements RegularExpressionFactory {

  /** Thrown when a match runs past its deadline. */
  static final class TooSlow extends RuntimeException {
    TooSlow() {
      super("a pattern took too long to match", null, false, false);
    }
  }

  private final long budgetNanos;

  BoundedRegex(Duration budget) {
    this.budgetNanos = budget.toNanos();
  }

  @Override
  public RegularExpression getRegularExpression(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return text -> pattern.matcher(new Deadline(text, System.nanoTime() + budgetNanos)).find();
  }

  private static final class Deadline implements CharSequence {
    private final CharSequence text;
    private final long deadline;
    private int reads;

    Deadline(CharSequence text, long deadline) {
      this.text = text;
      this.deadline = deadline;
    }

    @Override
    public char charAt(int index) {
      if ((++reads & 0x3ff) == 0 && System.nanoTime() > deadline) {
        throw new TooSlow();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Deadline(text.subSequence(start, end), deadline);
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }
}
