package dev.scheduleman.api.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.scheduleman.sdk.api.Problem;
import dev.scheduleman.storage.sql.StorageException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where failures become {@code application/problem+json} (RFC 9457). Messages say
 * what is wrong in the request's own terms (field paths, JSON types); they never carry a stack
 * trace, a Java type or SQL. Unexpected failures are logged with an id that the response repeats.
 */
public class ProblemMappers {

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response problem(ProblemException e, UriInfo uri) {
    Response.ResponseBuilder response = build(e.status(), e.title(), e.detail(), e.errors(), uri);
    e.headers().forEach(response::header);
    return response.build();
  }

  // Quarkus ships mappers for some Jackson exceptions; one per exact type here takes precedence.

  @ServerExceptionMapper
  public Response json(JsonProcessingException e, UriInfo uri) {
    return fromJson(e, uri);
  }

  @ServerExceptionMapper
  public Response jsonMapping(JsonMappingException e, UriInfo uri) {
    return fromJson(e, uri);
  }

  @ServerExceptionMapper
  public Response jsonParse(JsonParseException e, UriInfo uri) {
    return fromJson(e, uri);
  }

  @ServerExceptionMapper
  public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
    return fromJson(e, uri);
  }

  @ServerExceptionMapper
  public Response invalidFormat(InvalidFormatException e, UriInfo uri) {
    return fromJson(e, uri);
  }

  @ServerExceptionMapper
  public Response unknownProperty(UnrecognizedPropertyException e, UriInfo uri) {
    return fromJson(e, uri);
  }

  @ServerExceptionMapper
  public Response patch(InvalidPatchException e, UriInfo uri) {
    return fromJson(e.json(), uri);
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e, UriInfo uri) {
    if (e.getCause() instanceof JsonProcessingException json) {
      return fromJson(json, uri);
    }
    int status = e.getResponse().getStatus();
    Response.ResponseBuilder response =
        switch (status) {
          case 404 -> build(404, "Not found", "no such resource: " + uri.getPath(), List.of(), uri);
          case 405 -> build(405, "Method not allowed", methodDetail(e), List.of(), uri);
          case 406 ->
              build(
                  406, "Not acceptable", "this resource answers application/json", List.of(), uri);
          case 413 ->
              build(413, "Payload too large", "the request body is too large", List.of(), uri);
          case 415 ->
              build(
                  415,
                  "Unsupported media type",
                  "send the body as application/json",
                  List.of(),
                  uri);
          default ->
              status >= 500
                  ? unexpected(e, uri)
                  : build(status, reason(status), "the request was refused", List.of(), uri);
        };
    Object allow = e.getResponse().getHeaders().getFirst(HttpHeaders.ALLOW);
    if (allow != null) {
      response.header(HttpHeaders.ALLOW, allow);
    }
    return response.build();
  }

  @ServerExceptionMapper
  public Response storage(StorageException e, UriInfo uri) {
    if (e.isConnectionProblem()) {
      LOG.warnf("database unavailable for %s: %s", uri.getPath(), e.getMessage());
      return build(
              503,
              "Service unavailable",
              "the database cannot be reached; retry shortly",
              List.of(),
              uri)
          .header("Retry-After", "5")
          .build();
    }
    return unexpected(e, uri).build();
  }

  @ServerExceptionMapper
  public Response any(Throwable e, UriInfo uri) {
    return unexpected(e, uri).build();
  }

  private static Response.ResponseBuilder unexpected(Throwable e, UriInfo uri) {
    String incident = UUID.randomUUID().toString();
    LOG.errorf(e, "unexpected failure %s serving %s", incident, uri.getPath());
    return build(
        500,
        "Internal server error",
        "an unexpected error occurred (incident " + incident + "); it has been logged",
        List.of(),
        uri);
  }

  private static Response fromJson(JsonProcessingException e, UriInfo uri) {
    String field = e instanceof JsonMappingException m ? path(m.getPath()) : "";
    String message = jsonMessage(e);
    return build(
            400,
            "Bad request",
            (field.isEmpty() ? "body" : field) + ": " + message,
            List.of(new Problem.FieldError(field.isEmpty() ? "body" : field, message)),
            uri)
        .build();
  }

  private static String jsonMessage(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      Collection<Object> known = u.getKnownPropertyIds();
      return "unknown field"
          + (known == null || known.isEmpty() ? "" : "; known fields: " + join(known));
    }
    if (e instanceof PropertyBindingException) {
      return "unknown field";
    }
    if (e instanceof InvalidFormatException f) {
      return "expected " + jsonType(f.getTargetType()) + ", got " + describe(f.getValue());
    }
    if (e instanceof MismatchedInputException m) {
      return m.getTargetType() == null
          ? "is not valid here"
          : "expected " + jsonType(m.getTargetType());
    }
    if (e instanceof JsonParseException p) {
      String original = p.getOriginalMessage();
      String reason = original == null ? "" : original.split("\n")[0];
      reason = reason.replaceAll("\\(for [^)]*\\)", "").trim();
      return "malformed JSON at line "
          + p.getLocation().getLineNr()
          + ", column "
          + p.getLocation().getColumnNr()
          + (reason.isEmpty() ? "" : ": " + reason);
    }
    return "malformed JSON";
  }

  /** The JSON spelling of what a Java type expects. */
  static String jsonType(Class<?> type) {
    if (type == String.class || type.isEnum() || type == UUID.class) {
      return "a string";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    if (type == java.time.Instant.class) {
      return "an ISO-8601 instant";
    }
    return "another type of value";
  }

  private static String describe(Object value) {
    if (value instanceof String s) {
      return "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
    }
    return String.valueOf(value);
  }

  static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String join(Collection<Object> values) {
    return values.stream().map(String::valueOf).sorted().reduce((a, b) -> a + ", " + b).orElse("");
  }

  private static String methodDetail(WebApplicationException e) {
    if (e instanceof NotAllowedException) {
      Object allow = e.getResponse().getHeaders().getFirst(HttpHeaders.ALLOW);
      if (allow != null) {
        return "this resource allows " + allow;
      }
    }
    return "this method is not allowed on this resource";
  }

  private static String reason(int status) {
    Response.Status known = Response.Status.fromStatusCode(status);
    return known == null ? "Error" : known.getReasonPhrase();
  }

  static Response.ResponseBuilder build(
      int status, String title, String detail, List<Problem.FieldError> errors, UriInfo uri) {
    return Response.status(status)
        .type(Problem.MEDIA_TYPE)
        .entity(
            new Problem(
                "about:blank", title, status, detail, uri == null ? null : uri.getPath(), errors));
  }
}
