package dev.scheduleman.api.problem;

import dev.scheduleman.sdk.api.Problem.FieldError;
import java.util.List;
import java.util.Map;

/**
 * A request that cannot be served, with everything its problem document needs. Thrown anywhere in a
 * request; turned into {@code application/problem+json} in one place ({@link ProblemMappers}).
 */
public class ProblemException extends RuntimeException {

  private final int status;
  private final String title;
  private final List<FieldError> errors;
  private final Map<String, String> headers;

  public ProblemException(
      int status,
      String title,
      String detail,
      List<FieldError> errors,
      Map<String, String> headers) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.headers = Map.copyOf(headers);
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public List<FieldError> errors() {
    return errors;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** 400: the request cannot be understood (syntax, a bad parameter or header). */
  public static ProblemException badRequest(String field, String message) {
    return new ProblemException(
        400,
        "Bad request",
        field + ": " + message,
        List.of(new FieldError(field, message)),
        Map.of());
  }

  /** 422: the request is well-formed but its content is invalid. */
  public static ProblemException invalid(List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : errors.size() + " fields are invalid; see errors";
    return new ProblemException(422, "Invalid request", detail, errors, Map.of());
  }

  public static ProblemException invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  /**
   * 422: the write would take the tenant over a quota; the problem names it and says by how much.
   */
  public static ProblemException overQuota(String quota, String message) {
    return new ProblemException(
        422,
        "Quota exceeded",
        message,
        List.of(new FieldError("quotas." + quota, message)),
        Map.of());
  }

  /** 429: the tenant's request rate is used up; {@code Retry-After} says when to come back. */
  public static ProblemException tooManyRequests(String detail, long retryAfterSeconds) {
    return new ProblemException(
        429,
        "Too many requests",
        detail,
        List.of(),
        Map.of("Retry-After", Long.toString(retryAfterSeconds)));
  }

  public static ProblemException notFound(String detail) {
    return new ProblemException(404, "Not found", detail, List.of(), Map.of());
  }

  public static ProblemException conflict(String detail) {
    return new ProblemException(409, "Conflict", detail, List.of(), Map.of());
  }

  public static ProblemException conflict(String detail, List<FieldError> errors) {
    return new ProblemException(409, "Conflict", detail, errors, Map.of());
  }

  public static ProblemException preconditionFailed(String detail) {
    return new ProblemException(412, "Precondition failed", detail, List.of(), Map.of());
  }

  public static ProblemException unauthorized(String detail) {
    return new ProblemException(
        401, "Unauthorized", detail, List.of(), Map.of("WWW-Authenticate", "Bearer"));
  }

  /** 403: the key lacks the scope; the problem names it (field {@code scope}). */
  public static ProblemException missingScope(
      dev.scheduleman.sdk.api.Scope missing, java.util.Set<dev.scheduleman.sdk.api.Scope> has) {
    String detail =
        "this API key lacks the scope '"
            + missing.wire()
            + "' (it has: "
            + (has.isEmpty()
                ? "none"
                : String.join(
                    ", ", has.stream().sorted().map(dev.scheduleman.sdk.api.Scope::wire).toList()))
            + ")";
    return new ProblemException(
        403,
        "Forbidden",
        detail,
        List.of(new FieldError("scope", "'" + missing.wire() + "' is needed")),
        Map.of());
  }

  public static ProblemException forbidden(String detail) {
    return new ProblemException(403, "Forbidden", detail, List.of(), Map.of());
  }
}
