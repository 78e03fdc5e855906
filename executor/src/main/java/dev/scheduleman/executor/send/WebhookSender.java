package dev.scheduleman.executor.send;

import dev.scheduleman.executor.complete.Delivery;
import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.target.TargetAddresses;
import dev.scheduleman.sdk.time.Durations;
import dev.scheduleman.sdk.webhook.WebhookHeaders;
import dev.scheduleman.sdk.webhook.WebhookSigner;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * The third stage: calls a trigger's webhook with the Vert.x HTTP client: asynchronous, with pooled
 * keep-alive connections, a hard deadline of the schedule's timeout for the whole exchange, and the
 * Standard Webhooks headers. Every trigger handed in leaves as exactly one {@link Delivery}: a
 * trigger that cannot be fired as stored as a defect, every way a call can go wrong as a failure
 * with a reason a person can read; nothing is thrown.
 */
public final class WebhookSender implements AutoCloseable {

  static final int EXCERPT_BYTES = 1024;

  private final Vertx vertx;
  private final HttpClient client;
  private final TargetAddresses targets;
  private final Clock clock;
  private final ExecutorMetrics metrics;
  private final Consumer<Delivery> delivered;
  private final Map<List<String>, WebhookSigner> signers = new ConcurrentHashMap<>();

  /**
   * @param clock the database's clock: the times deliveries are recorded at
   * @param delivered where each delivery goes: the next stage
   */
  public WebhookSender(
      Vertx vertx,
      TargetAddresses targets,
      int connectionsPerHost,
      Clock clock,
      ExecutorMetrics metrics,
      Consumer<Delivery> delivered) {
    this.vertx = vertx;
    this.targets = targets;
    this.clock = clock;
    this.metrics = metrics;
    this.delivered = delivered;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setTryUseCompression(false)
                .setVerifyHost(true)
                .setDecompressionSupported(false),
            new PoolOptions().setHttp1MaxSize(connectionsPerHost).setMaxWaitQueueSize(-1));
  }

  /** Sends the webhook of a claimed trigger; its delivery goes on when it has ended. */
  public void send(ClaimedTrigger trigger) {
    Future<Delivery> delivery;
    try {
      delivery =
          trigger.defect().isPresent()
              ? Future.succeededFuture(
                  Delivery.notFired(trigger, clock.instant(), trigger.defect().get()))
              : attempt(trigger);
    } catch (RuntimeException e) {
      delivery =
          Future.succeededFuture(
              Delivery.failed(
                  trigger, clock.instant(), Duration.ZERO, "could not send: " + e.getMessage()));
    }
    delivery.onComplete(
        done -> {
          Delivery d =
              done.succeeded()
                  ? done.result()
                  : Delivery.failed(trigger, clock.instant(), Duration.ZERO, "request failed");
          metrics.fired(d.succeeded());
          delivered.accept(d);
        });
  }

  private Future<Delivery> attempt(ClaimedTrigger trigger) {
    Instant firedAt = clock.instant();
    Target target = trigger.target();
    URI uri;
    try {
      uri = URI.create(target.url());
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(
          fail(trigger, firedAt, "stored URL is invalid: " + target.url()));
    }
    Optional<String> host = TargetAddresses.hostOf(uri);
    if (host.isEmpty()) {
      return Future.succeededFuture(fail(trigger, firedAt, "stored URL has no host"));
    }
    Optional<String> refused = targets.checkHost(host.get());
    if (refused.isPresent()) {
      return Future.succeededFuture(fail(trigger, firedAt, "target refused: " + refused.get()));
    }
    return resolve(host.get())
        .transform(
            resolved -> {
              if (resolved.failed()) {
                return Future.succeededFuture(
                    fail(trigger, firedAt, describe(resolved.cause(), target.timeout())));
              }
              InetAddress address = resolved.result();
              if (address != null) {
                Optional<String> rebound = targets.checkResolved(address);
                if (rebound.isPresent()) {
                  return Future.succeededFuture(
                      fail(
                          trigger, firedAt, "target refused: " + host.get() + " " + rebound.get()));
                }
              }
              return exchange(trigger, uri, address, firedAt);
            });
  }

  /**
   * Resolves the host when private targets are refused, so the address that is checked is the one
   * connected to (a name that resolves to a public address when written and to a private one when
   * called is caught). When private targets are allowed, the client resolves by itself.
   */
  private Future<InetAddress> resolve(String host) {
    if (targets.allowPrivate()) {
      return Future.succeededFuture(null);
    }
    return vertx.executeBlocking(() -> InetAddress.getByName(host), false);
  }

  private Future<Delivery> exchange(
      ClaimedTrigger trigger, URI uri, InetAddress address, Instant firedAt) {
    Target target = trigger.target();
    long timeoutMs = Math.max(1, target.timeout().toMillis());
    int attempt = trigger.attempt() + 1;
    String body = target.body() == null ? "" : target.body();
    String executionId = trigger.executionId().toString();
    long timestamp = firedAt.getEpochSecond();

    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.valueOf(target.method()))
            .setAbsoluteURI(target.url())
            .setConnectTimeout(timeoutMs)
            .setIdleTimeout(timeoutMs)
            .setFollowRedirects(false);
    if (address != null) {
      int port =
          uri.getPort() != -1
              ? uri.getPort()
              : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      options.setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()));
    }
    target.headers().forEach(options::putHeader);
    if (!body.isEmpty()
        && target.headers().keySet().stream().noneMatch("content-type"::equalsIgnoreCase)) {
      options.putHeader("Content-Type", "application/json");
    }
    options
        .putHeader(WebhookHeaders.ID, executionId)
        .putHeader(WebhookHeaders.TIMESTAMP, Long.toString(timestamp))
        .putHeader(WebhookHeaders.SIGNATURE, signer(trigger).sign(executionId, timestamp, body))
        .putHeader(WebhookHeaders.SCHEDULE_ID, trigger.scheduleId().toString())
        .putHeader(WebhookHeaders.SCHEDULED_FOR, trigger.scheduledFor().toString())
        .putHeader(WebhookHeaders.ATTEMPT, Integer.toString(attempt))
        .putHeader(WebhookHeaders.USER_AGENT, WebhookHeaders.userAgent());

    // The timeout is the target's time to answer: it runs from the moment a connection is ready
    // (time spent waiting for one of this executor's pooled connections is not the target's fault,
    // and is bounded by the in-flight cap).
    Promise<Delivery> result = Promise.promise();
    String timedOut = "timed out after " + Durations.formatCompact(target.timeout());
    client
        .request(options)
        .compose(
            req -> {
              long deadline =
                  vertx.setTimer(
                      timeoutMs,
                      id -> {
                        if (result.tryComplete(fail(trigger, firedAt, timedOut))) {
                          req.reset(0, new TimeoutException("deadline"));
                        }
                      });
              result.future().onComplete(done -> vertx.cancelTimer(deadline));
              // The answer's handlers are attached before the request goes out: attached later
              // (after send() completes, on another context), a small answer can have ended
              // already, and the attempt fails with "Response already ended" although the
              // receiver got it, which the retry turns into a duplicate.
              Future<Answer> answer = req.response().compose(this::readExcerpt);
              if (body.isEmpty()) {
                req.end();
              } else {
                req.end(Buffer.buffer(body, "UTF-8"));
              }
              return answer;
            })
        .onComplete(
            done -> {
              if (done.failed()) {
                result.tryComplete(
                    fail(trigger, firedAt, describe(done.cause(), target.timeout())));
                return;
              }
              Answer answer = done.result();
              result.tryComplete(
                  Delivery.answered(
                      trigger,
                      firedAt,
                      Duration.between(firedAt, clock.instant()),
                      answer.status,
                      answer.excerpt));
            });
    return result.future();
  }

  private record Answer(int status, String excerpt) {}

  /** Reads the first KiB of the answer and lets the rest go by without keeping it. */
  private Future<Answer> readExcerpt(HttpClientResponse response) {
    Promise<Answer> answer = Promise.promise();
    Buffer excerpt = Buffer.buffer();
    try {
      response.handler(
          chunk -> {
            int room = EXCERPT_BYTES - excerpt.length();
            if (room > 0) {
              excerpt.appendBuffer(chunk.length() <= room ? chunk : chunk.getBuffer(0, room));
            }
          });
      response.exceptionHandler(answer::tryFail);
      response.endHandler(
          v ->
              answer.tryComplete(
                  new Answer(
                      response.statusCode(),
                      excerpt.length() == 0
                          ? null
                          : new String(excerpt.getBytes(), StandardCharsets.UTF_8))));
    } catch (IllegalStateException ended) {
      // The whole answer went by already: its status is known, its body is not.
      answer.tryComplete(new Answer(response.statusCode(), null));
    }
    return answer.future();
  }

  private WebhookSigner signer(ClaimedTrigger trigger) {
    return signers.computeIfAbsent(trigger.signingSecrets(), WebhookSigner::new);
  }

  private Delivery fail(ClaimedTrigger trigger, Instant firedAt, String error) {
    return Delivery.failed(trigger, firedAt, Duration.between(firedAt, clock.instant()), error);
  }

  /** A failure as a person would say it, without Java class names. */
  static String describe(Throwable failure, Duration timeout) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      if (cause instanceof ConnectException
          || cause instanceof UnknownHostException
          || cause instanceof SSLException
          || cause instanceof TimeoutException) {
        break;
      }
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? "" : cause.getMessage();
    if (cause instanceof UnknownHostException) {
      return "unknown host " + message;
    }
    if (cause instanceof ConnectException || message.contains("Connection refused")) {
      return "connection refused" + (message.isEmpty() ? "" : ": " + message);
    }
    if (cause instanceof TimeoutException || message.toLowerCase().contains("timeout")) {
      return "timed out after " + Durations.formatCompact(timeout);
    }
    if (cause instanceof SSLException) {
      return "TLS failed: " + message;
    }
    if (message.contains("closed")) {
      return "connection closed before an answer";
    }
    return message.isEmpty() ? "request failed" : "request failed: " + message;
  }

  @Override
  public void close() {
    client.close();
  }
}
