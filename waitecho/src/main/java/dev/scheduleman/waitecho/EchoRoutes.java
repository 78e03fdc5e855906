package dev.scheduleman.waitecho;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.sdk.time.Durations;
import dev.scheduleman.sdk.webhook.DeliveryLog;
import dev.scheduleman.sdk.webhook.SigningSecrets;
import dev.scheduleman.sdk.webhook.WebhookVerifier;
import io.quarkus.vertx.web.Route;
import io.quarkus.vertx.web.Route.HttpMethod;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The mock downstream. {@code ANY /echo/**} records the delivery and answers 200, or what the query
 * asks for: {@code delay=250ms}, {@code status=503}, {@code failRate=0.2} (that share answers 503),
 * {@code hang=true} (never answers). {@code GET /echo/stats} reports, {@code DELETE /echo/stats}
 * resets. With a signing secret (configured, or {@code PUT /echo/signing-secret}) every delivery's
 * signature is checked and a forged one is answered 401.
 */
@ApplicationScoped
public class EchoRoutes {

  private final DeliveryLog log = new DeliveryLog();
  private final ObjectMapper json;
  private final Vertx vertx;
  private final Clock clock = Clock.systemUTC();
  private final AtomicReference<WebhookVerifier> verifier = new AtomicReference<>();

  EchoRoutes(
      Vertx vertx,
      ObjectMapper json,
      @ConfigProperty(name = "scheduleman.waitecho.signing-secret") Optional<String> secret) {
    this.vertx = vertx;
    this.json = json;
    secret.filter(s -> !s.isBlank()).ifPresent(s -> verifier.set(new WebhookVerifier(s)));
  }

  public DeliveryLog log() {
    return log;
  }

  @Route(path = "/echo/stats", methods = HttpMethod.GET, order = 1, produces = "application/json")
  void stats(RoutingContext rc) {
    rc.response().putHeader("Content-Type", "application/json").end(write(log.stats()));
  }

  @Route(
      path = "/echo/timeline",
      methods = HttpMethod.GET,
      order = 1,
      produces = "application/json")
  void timeline(RoutingContext rc) {
    Duration bucket = Duration.ofMillis(100);
    String param = rc.request().getParam("bucket");
    if (param != null) {
      try {
        bucket = Durations.parse(param);
      } catch (IllegalArgumentException e) {
        rc.response().setStatusCode(400).end("bucket: " + e.getMessage() + "\n");
        return;
      }
    }
    rc.response().putHeader("Content-Type", "application/json").end(write(log.timeline(bucket)));
  }

  @Route(path = "/echo/recent", methods = HttpMethod.GET, order = 1, produces = "application/json")
  void recent(RoutingContext rc) {
    int limit = 20;
    try {
      String param = rc.request().getParam("limit");
      limit = param == null ? 20 : Math.max(1, Math.min(100, Integer.parseInt(param)));
    } catch (NumberFormatException e) {
      rc.response().setStatusCode(400).end("limit: 1 to 100\n");
      return;
    }
    rc.response().putHeader("Content-Type", "application/json").end(write(log.recent(limit)));
  }

  @Route(path = "/echo/stats", methods = HttpMethod.DELETE, order = 1)
  void reset(RoutingContext rc) {
    log.reset();
    rc.response().setStatusCode(204).end();
  }

  @Route(path = "/echo/signing-secret", methods = HttpMethod.PUT, order = 1)
  void setSecret(RoutingContext rc) {
    String secret = rc.body() == null ? "" : rc.body().asString().trim();
    if (!SigningSecrets.isWellFormed(secret)) {
      rc.response().setStatusCode(400).end("send the tenant's secret (whsec_…) as the body\n");
      return;
    }
    verifier.set(new WebhookVerifier(secret));
    rc.response().setStatusCode(204).end();
  }

  @Route(path = "/echo/signing-secret", methods = HttpMethod.DELETE, order = 1)
  void clearSecret(RoutingContext rc) {
    verifier.set(null);
    rc.response().setStatusCode(204).end();
  }

  @Route(regex = "/echo(/.*)?", order = 2)
  void echo(RoutingContext rc) {
    Instant arrival = clock.instant();
    HttpServerRequest request = rc.request();
    log.record(DeliveryLog.Delivery.of(request::getHeader, arrival));
    Map<String, String> shown = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    request.headers().forEach(h -> shown.put(h.getKey(), h.getValue()));
    String text = rc.body() == null || rc.body().buffer() == null ? "" : rc.body().asString();
    log.keep(
        new DeliveryLog.Received(request.method().name(), request.path(), shown, text, arrival));
    WebhookVerifier check = verifier.get();
    if (check != null) {
      Map<String, List<String>> headers = new HashMap<>();
      request
          .headers()
          .forEach(
              h -> headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
      Optional<String> problem = check.verify(headers, text);
      log.signature(problem.isEmpty());
      if (problem.isPresent()) {
        rc.response().setStatusCode(401).end("signature: " + problem.get() + "\n");
        return;
      }
    }
    if ("true".equalsIgnoreCase(request.getParam("hang"))) {
      return; // never answer: the caller's timeout decides
    }
    int status = status(request);
    long delay = delayMillis(request.getParam("delay"));
    Runnable answer =
        () -> {
          if (!rc.response().ended() && !rc.response().closed()) {
            rc.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end("{\"status\":" + status + "}");
          }
        };
    if (delay > 0) {
      vertx.setTimer(delay, id -> answer.run());
    } else {
      answer.run();
    }
  }

  private static int status(HttpServerRequest request) {
    String failRate = request.getParam("failRate");
    if (failRate != null) {
      try {
        if (ThreadLocalRandom.current().nextDouble() < Double.parseDouble(failRate)) {
          return 503;
        }
      } catch (NumberFormatException e) {
        return 400;
      }
    }
    String status = request.getParam("status");
    if (status == null) {
      return 200;
    }
    try {
      int code = Integer.parseInt(status);
      return code >= 100 && code <= 599 ? code : 400;
    } catch (NumberFormatException e) {
      return 400;
    }
  }

  private static long delayMillis(String delay) {
    if (delay == null || delay.isBlank()) {
      return 0;
    }
    try {
      return Math.min(Duration.ofMinutes(5).toMillis(), Durations.parse(delay).toMillis());
    } catch (IllegalArgumentException | ArithmeticException e) {
      return 0;
    }
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stats are always JSON", e);
    }
  }
}
