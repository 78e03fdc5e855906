package dev.scheduleman.sdk.validation;

import dev.scheduleman.sdk.api.FlowLimitRequest;
import dev.scheduleman.sdk.api.Problem.FieldError;
import dev.scheduleman.sdk.model.FlowLimit;
import dev.scheduleman.sdk.model.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What flow keys and flow limits may be. A key a schedule names is 1 to 200 letters, digits and
 * {@code . _ : @ -} (so that it fits in a URL path as it is); a limit may also be declared for a
 * host's key, {@code host:} and a host name or an IPv6 address in brackets.
 */
public final class FlowLimits {

  public static final int MAX_KEY_LENGTH = 200;
  public static final double MAX_RATE = 100_000;
  public static final int MAX_BURST = 100_000;
  public static final int MAX_CONCURRENCY = 10_000;

  /** The most flow limits one tenant may declare. */
  public static final int MAX_PER_TENANT = 1_000;

  private static final Pattern NAMED =
      Pattern.compile("[A-Za-z0-9._:@-]{1," + MAX_KEY_LENGTH + "}");
  private static final Pattern HOST =
      Pattern.compile(
          Pattern.quote(Target.HOST_FLOW_KEY_PREFIX)
              + "(\\[[0-9a-f:.]{2,60}\\]|[a-z0-9._-]{1,253})");

  private FlowLimits() {}

  /** Why a key a schedule names is not one, if it is not. */
  public static Optional<String> keyProblem(String key) {
    if (key.isEmpty()) {
      return Optional.of("must not be empty; leave it out for the host's key");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      return Optional.of("must be at most " + MAX_KEY_LENGTH + " characters long");
    }
    if (!NAMED.matcher(key).matches()) {
      return Optional.of("may hold only letters, digits and . _ : @ -");
    }
    return Optional.empty();
  }

  /** Why a key a limit is declared for is not one, if it is not: a named key or a host's. */
  public static Optional<String> limitKeyProblem(String key) {
    if (key.startsWith(Target.HOST_FLOW_KEY_PREFIX) && !HOST.matcher(key).matches()) {
      return Optional.of(
          "a host's key is host: and the host in lower case (an IPv6 address in brackets)");
    }
    return HOST.matcher(key).matches() ? Optional.empty() : keyProblem(key);
  }

  /** Checks a declared limit; the burst defaults to the rate, rounded up. */
  public static Validation<FlowLimit> validate(FlowLimitRequest request) {
    List<FieldError> errors = new ArrayList<>();
    if (request == null
        || (request.ratePerSecond() == null
            && request.burst() == null
            && request.maxConcurrency() == null)) {
      return Validation.invalid(
          List.of(new FieldError("", "declare ratePerSecond, maxConcurrency or both")));
    }
    Double rate = request.ratePerSecond();
    Integer burst = request.burst();
    if (rate != null && !(rate > 0 && rate <= MAX_RATE)) {
      errors.add(field("ratePerSecond", "must be above 0 and at most " + (long) MAX_RATE));
    }
    if (burst != null && rate == null) {
      errors.add(field("burst", "goes with ratePerSecond: a burst is how many may go at once"));
    } else if (burst != null && (burst < 1 || burst > MAX_BURST)) {
      errors.add(field("burst", "must be between 1 and " + MAX_BURST));
    }
    Integer concurrency = request.maxConcurrency();
    if (concurrency != null && (concurrency < 1 || concurrency > MAX_CONCURRENCY)) {
      errors.add(field("maxConcurrency", "must be between 1 and " + MAX_CONCURRENCY));
    }
    if (rate == null && concurrency == null) {
      errors.add(field("ratePerSecond", "is required when maxConcurrency is not given"));
    }
    if (!errors.isEmpty()) {
      return Validation.invalid(errors);
    }
    Integer bucket =
        rate == null ? null : burst != null ? burst : (int) Math.min(MAX_BURST, Math.ceil(rate));
    return Validation.valid(new FlowLimit(rate, bucket, concurrency));
  }

  private static FieldError field(String name, String message) {
    return new FieldError(name, message);
  }
}
