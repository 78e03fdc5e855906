package dev.scheduleman.sdk.validation;

import dev.scheduleman.sdk.api.Problem.FieldError;
import java.util.List;
import java.util.Optional;

/** The outcome of validating something: the valid value, or why it is not valid (never both). */
public record Validation<T>(Optional<T> value, List<FieldError> errors) {

  public static <T> Validation<T> valid(T value) {
    return new Validation<>(Optional.of(value), List.of());
  }

  public static <T> Validation<T> invalid(List<FieldError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("an invalid result needs at least one error");
    }
    return new Validation<>(Optional.empty(), List.copyOf(errors));
  }

  public boolean isValid() {
    return value.isPresent();
  }

  /** The value; only to be called on a valid result. */
  public T get() {
    return value.orElseThrow(() -> new IllegalStateException("invalid: " + errors));
  }
}
