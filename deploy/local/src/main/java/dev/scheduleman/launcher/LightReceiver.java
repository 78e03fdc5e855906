package dev.scheduleman.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.sdk.webhook.DeliveryLog;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The lightest receiver that still counts what a benchmark must count: an HTTP server inside the
 * benchmark's own process that records each request's {@code webhook-id}, scheduled instant and
 * arrival, answers 200 with no body, and checks no signature. What it costs is a few microseconds
 * per request, so the figures show Scheduleman's ceiling rather than the receiver's.
 */
final class LightReceiver implements Receiver {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final HttpServer server;
  private final DeliveryLog log;

  private LightReceiver(Vertx vertx, HttpServer server, DeliveryLog log) {
    this.vertx = vertx;
    this.server = server;
    this.log = log;
  }

  /** Listens on a free loopback port, on {@code eventLoops} threads. */
  static LightReceiver start(int eventLoops) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    DeliveryLog log = new DeliveryLog();
    Clock clock = Clock.systemUTC();
    try {
      HttpServer server =
          vertx
              .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
              .requestHandler(
                  request -> {
                    // Recorded when the request's head is in; answered once its body is read.
                    log.record(DeliveryLog.Delivery.of(request::getHeader, clock.instant()));
                    request.end().onComplete(done -> request.response().end());
                  })
              .listen()
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      return new LightReceiver(vertx, server, log);
    } catch (Exception e) {
      vertx.close();
      throw new LauncherException("the benchmark's receiver did not start: " + e.getMessage(), e);
    }
  }

  @Override
  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  @Override
  public void checkSignatures(String secret) {
    // Signatures are not checked here: that is the receiver's cost, not Scheduleman's.
  }

  @Override
  public void reset() {
    log.reset();
  }

  @Override
  public JsonNode stats() {
    return JSON.valueToTree(log.stats());
  }

  @Override
  public JsonNode timeline(Duration bucket) {
    return JSON.valueToTree(log.timeline(bucket));
  }

  @Override
  public Optional<Long> pid() {
    return Optional.empty();
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Closing at exit: nothing left to do about it.
    }
  }
}
