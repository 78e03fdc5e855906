package dev.scheduleman.sdk.spec;

/**
 * A schedule spec that cannot be used, with a message fit to show to the person who wrote it. The
 * field is relative to the spec object ({@code cron}, {@code timezone}, {@code at}, …).
 */
public final class InvalidSpecException extends IllegalArgumentException {

  private final String field;

  public InvalidSpecException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
