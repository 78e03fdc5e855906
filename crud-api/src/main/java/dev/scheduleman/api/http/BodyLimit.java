package dev.scheduleman.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.api.config.ApiConfig;
import dev.scheduleman.sdk.api.Problem;
import io.quarkus.vertx.web.RouteFilter;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Refuses a request whose declared body is over the limit before reading any of it: the answer is a
 * 413 problem and the connection closes, so an oversized upload costs neither memory nor the time
 * to receive it. Bodies without a declared length are cut off by the HTTP layer's own limit ({@code
 * quarkus.http.limits.max-body-size}, set to the same size).
 */
public class BodyLimit {

  private final long limit;
  private final ObjectMapper json;

  public BodyLimit(ApiConfig config, ObjectMapper json) {
    this.limit = config.limits().requestBody();
    this.json = json;
  }

  @RouteFilter(100)
  void refuseOversizedBodies(RoutingContext rc) {
    String declared = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && isOver(declared)) {
      Problem problem =
          new Problem(
              "about:blank",
              "Payload too large",
              413,
              "the request body is " + declared + " bytes; at most " + limit + " are accepted",
              rc.request().path(),
              List.of(new Problem.FieldError("body", "is larger than " + limit + " bytes")));
      rc.response()
          .setStatusCode(413)
          .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
          .putHeader(HttpHeaders.CONNECTION, "close")
          .end(write(problem));
      rc.request().connection().close();
      return;
    }
    rc.next();
  }

  private boolean isOver(String declared) {
    try {
      return Long.parseLong(declared.trim()) > limit;
    } catch (NumberFormatException e) {
      return false; // the HTTP layer rejects a malformed length itself
    }
  }

  private String write(Problem problem) {
    try {
      return json.writeValueAsString(problem);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a problem is always JSON", e);
    }
  }
}
