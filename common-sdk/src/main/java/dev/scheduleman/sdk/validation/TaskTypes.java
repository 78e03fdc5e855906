package dev.scheduleman.sdk.validation;

import dev.scheduleman.sdk.api.Problem.FieldError;
import dev.scheduleman.sdk.api.TaskTypeRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What task type names and declarations may be. A name is 1 to 100 letters, digits and {@code . _ :
 * -}, starting with a letter or digit (so that it fits in a URL path and a header as it is). The
 * schema itself is checked against its meta-schema by the API, which holds the JSON Schema library.
 */
public final class TaskTypes {

  public static final int MAX_NAME_LENGTH = 100;
  public static final int MAX_DESCRIPTION_LENGTH = 1_000;
  public static final int MAX_SCHEMA_BYTES = 64 * 1024;

  /** The most task types one tenant may declare. */
  public static final int MAX_PER_TENANT = 1_000;

  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0," + (MAX_NAME_LENGTH - 1) + "}");

  private TaskTypes() {}

  /** Why a task type name is not one, if it is not. */
  public static Optional<String> nameProblem(String name) {
    if (name.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return Optional.of("must be at most " + MAX_NAME_LENGTH + " characters long");
    }
    if (!NAME.matcher(name).matches()) {
      return Optional.of(
          "may hold only letters, digits and . _ : - and must start with a letter or digit");
    }
    return Optional.empty();
  }

  /** The checks a declaration must pass before its schema is compiled. */
  public static List<FieldError> problems(TaskTypeRequest request) {
    List<FieldError> errors = new ArrayList<>();
    if (request == null) {
      errors.add(new FieldError("bodySchema", "is required: a JSON Schema for the body"));
      return errors;
    }
    String description = request.description();
    if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
      errors.add(
          new FieldError(
              "description", "must be at most " + MAX_DESCRIPTION_LENGTH + " characters long"));
    }
    Text.controlProblemAllowingLineBreaks(description)
        .ifPresent(problem -> errors.add(new FieldError("description", problem)));
    var schema = request.bodySchema();
    if (schema == null || schema.isNull()) {
      errors.add(new FieldError("bodySchema", "is required: a JSON Schema for the body"));
    } else if (!schema.isObject() && !schema.isBoolean()) {
      errors.add(new FieldError("bodySchema", "must be a JSON Schema: an object (or true/false)"));
    } else if (schema.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SCHEMA_BYTES) {
      errors.add(
          new FieldError("bodySchema", "must be at most " + MAX_SCHEMA_BYTES / 1024 + " KiB"));
    } else if (schema.toString().contains("\\u0000")) {
      // jsonb cannot hold a NUL, even escaped.
      errors.add(new FieldError("bodySchema", "must not contain NUL characters (\\u0000)"));
    }
    return errors;
  }
}
