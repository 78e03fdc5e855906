package dev.scheduleman.executor;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A local webhook receiver for tests: records every request and answers as it is told to. */
final class Receiver implements AutoCloseable {

  /** One request as received. */
  record Request(String path, Map<String, String> headers, String body, Instant arrival) {
    String header(String name) {
      return headers.get(name.toLowerCase());
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final Queue<Request> requests = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicInteger> byId = new ConcurrentHashMap<>();
  private volatile Function<Request, Integer> answer = r -> 200;
  private volatile Function<Request, byte[]> body = null;
  private volatile Function<Request, Map<String, String>> answerHeaders = r -> Map.of();
  private volatile long delayMillis;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger mostOpen = new AtomicInteger();

  Receiver(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.server =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              Map<String, String> headers = new ConcurrentHashMap<>();
                              req.headers()
                                  .forEach(
                                      h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
                              Request r =
                                  new Request(req.path(), headers, body.toString(), Instant.now());
                              requests.add(r);
                              mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                              String id = r.header("webhook-id");
                              if (id != null) {
                                byId.computeIfAbsent(id, k -> new AtomicInteger())
                                    .incrementAndGet();
                              }
                              int status = answer.apply(r);
                              Function<Request, byte[]> answerBody = this.body;
                              Map<String, String> extra = answerHeaders.apply(r);
                              Runnable respond =
                                  () -> {
                                    extra.forEach(req.response()::putHeader);
                                    req.response()
                                        .setStatusCode(status)
                                        .end(
                                            answerBody == null
                                                ? io.vertx.core.buffer.Buffer.buffer("ok " + status)
                                                : io.vertx.core.buffer.Buffer.buffer(
                                                    answerBody.apply(r)));
                                    open.decrementAndGet();
                                  };
                              if (delayMillis > 0) {
                                vertx.setTimer(delayMillis, t -> respond.run());
                              } else {
                                respond.run();
                              }
                            }))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  void answerWith(int status) {
    answer = r -> status;
  }

  void answerWith(Function<Request, Integer> answer) {
    this.answer = answer;
  }

  /** Answers with these bytes as the body (instead of "ok &lt;status&gt;"). */
  void answerBody(Function<Request, byte[]> body) {
    this.body = body;
  }

  /** Answers with these headers too. */
  void answerHeaders(Function<Request, Map<String, String>> headers) {
    this.answerHeaders = headers;
  }

  void delay(long millis) {
    this.delayMillis = millis;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  int count(String webhookId) {
    AtomicInteger n = byId.get(webhookId);
    return n == null ? 0 : n.get();
  }

  /** Forgets what it received so far. */
  void clear() {
    requests.clear();
    byId.clear();
    mostOpen.set(open.get());
  }

  /** The most requests this receiver held open (read, not yet answered) at any one time. */
  int mostOpen() {
    return mostOpen.get();
  }

  Map<String, AtomicInteger> byId() {
    return byId;
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
