package dev.scheduleman.api.http;

import dev.scheduleman.api.problem.ProblemException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Path and query parameters, parsed here rather than by the framework so that a bad one gets a
 * problem document that names it. An id that is not a UUID cannot name anything: 404, like an
 * unknown one, so ids reveal nothing by their shape.
 */
public final class Params {

  private static final Pattern UUID_SHAPE =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Params() {}

  /** An id in a path; 404 naming {@code what} when it is not one. */
  public static UUID id(String value, String what) {
    if (value == null || !UUID_SHAPE.matcher(value).matches()) {
      throw ProblemException.notFound("no " + what + " with id '" + abbreviate(value) + "'");
    }
    return UUID.fromString(value);
  }

  /** An id in a query parameter; 400 naming the parameter when it is not one. */
  public static UUID uuid(String value, String name, String what) {
    if (!UUID_SHAPE.matcher(value).matches()) {
      throw ProblemException.badRequest(name, "is not " + what + " (a UUID)");
    }
    return UUID.fromString(value);
  }

  /** An integer query parameter between {@code min} and {@code max}, or the default. */
  public static int integer(String value, String name, int min, int max, int fallback) {
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ProblemException.badRequest(
        name,
        "must be an integer from " + min + " to " + max + ", not '" + abbreviate(value) + "'");
  }

  static String abbreviate(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= 60 ? value : value.substring(0, 60) + "…";
  }
}
