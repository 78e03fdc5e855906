package dev.scheduleman.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.sdk.webhook.DeliveryLog;
import dev.scheduleman.sdk.webhook.WebhookHeaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The lightest receiver that still counts what a benchmark must count: an HTTP server inside the
 * benchmark's own process that records each request's {@code webhook-id}, scheduled instant and
 * arrival, answers 200 with no body, and checks no signature. What it costs is a few microseconds
 * per request, so the figures show Scheduleman's ceiling rather than the receiver's.
 */
final class LightReceiver implements Receiver {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WARM_UP_REQUESTS = 20_000;
  private static final int WARM_UP_WAVE = 500;
  private static final int WARM_UP_CONNECTIONS = 50;

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
      LightReceiver receiver = new LightReceiver(vertx, server, log);
      receiver.warmUp();
      return receiver;
    } catch (Exception e) {
      vertx.close();
      throw new LauncherException("the benchmark's receiver did not start: " + e.getMessage(), e);
    }
  }

  /**
   * Sends the receiver requests of its own before any measurement and forgets them, so that a
   * measurement from cold (`--warmup 0`) measures cold executors, not a cold receiver.
   */
  private void warmUp() throws Exception {
    HttpClient client =
        vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(WARM_UP_CONNECTIONS));
    try {
      for (int wave = 0; wave < WARM_UP_REQUESTS / WARM_UP_WAVE; wave++) {
        List<Future<?>> answers = new ArrayList<>(WARM_UP_WAVE);
        for (int i = 0; i < WARM_UP_WAVE; i++) {
          answers.add(
              client
                  .request(HttpMethod.POST, server.actualPort(), "127.0.0.1", "/warm-up")
                  .compose(
                      r ->
                          r.putHeader(WebhookHeaders.ID, UUID.randomUUID().toString())
                              .putHeader(WebhookHeaders.SCHEDULED_FOR, Instant.now().toString())
                              .putHeader(WebhookHeaders.ATTEMPT, "1")
                              .send("{}"))
                  .compose(HttpClientResponse::body));
        }
        Future.all(answers).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } finally {
      client.close();
      log.reset();
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
