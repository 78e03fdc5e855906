package dev.scheduleman.executor.send;

import dev.scheduleman.executor.complete.Delivery;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.retry.RetryAfter;
import dev.scheduleman.sdk.spec.Window;
import dev.scheduleman.sdk.time.Durations;
import dev.scheduleman.sdk.webhook.WebhookHeaders;
import dev.scheduleman.sdk.webhook.WebhookSigner;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * One webhook call over a connection of this executor's: the schedule's request plus the Standard
 * Webhooks and Scheduleman headers, a hard deadline of the schedule's timeout for sending and
 * answering once connected (connecting has a timeout of the same length), and the first KiB of the
 * answer. It ends as a {@link Delivery}; every way it can go wrong is a failure with a reason a
 * person can read.
 */
final class Exchange {

  static final int EXCERPT_BYTES = 1024;

  private final Vertx vertx;
  private final HttpClient client;
  private final Clock clock;
  private final Gate gate;

  /** The request was not written: the trigger's lease no longer covered it (see {@link Gate}). */
  static final class LeaseLost extends RuntimeException {
    LeaseLost() {
      super("the lease no longer covers the trigger", null, false, false);
    }
  }

  /** How the exchange ended, and what that says about the host's load. */
  record Result(Delivery delivery, HostLimit.Signal signal) {
    static Result unsent(Delivery delivery) {
      return new Result(delivery, HostLimit.Signal.NONE);
    }
  }

  Exchange(Vertx vertx, HttpClient client, Clock clock, Gate gate) {
    this.vertx = vertx;
    this.client = client;
    this.clock = clock;
    this.gate = gate;
  }

  /**
   * @param address the checked address to connect to, or null to let the client resolve the host
   * @param firedAt when the request goes out, by the database's clock
   * @return the delivery, or a failed future of {@link LeaseLost} when nothing was written
   */
  Future<Result> run(
      ClaimedTrigger trigger,
      Endpoint endpoint,
      InetAddress address,
      Instant firedAt,
      WebhookSigner signer) {
    Target target = trigger.target();
    long timeoutMs = Math.max(1, target.timeout().toMillis());
    String body = target.body() == null ? "" : target.body();
    RequestOptions options = request(trigger, endpoint, address, firedAt, signer, body, timeoutMs);

    // The deadline runs from the moment the request has its connection (connecting is bounded by
    // the connect timeout, the same length): this executor hands a trigger to the client only
    // when one of its connections to the host is free, so no time here is spent waiting behind
    // other triggers, and a receiver answering within its timeout is never failed.
    Promise<Result> result = Promise.promise();
    client
        .request(options)
        .compose(
            req -> {
              // The last moment before anything is written: a process that stalled since the
              // gate admitted the trigger must not wake up and send what is no longer its own.
              if (!gate.covers(trigger)) {
                req.exceptionHandler(ignored -> {}); // the reset below is this code's own
                req.reset(0, new LeaseLost());
                return Future.failedFuture(new LeaseLost());
              }
              long deadline =
                  vertx.setTimer(
                      timeoutMs,
                      id -> {
                        if (result.tryComplete(
                            new Result(
                                fail(trigger, firedAt, timedOut(target.timeout())),
                                HostLimit.Signal.OVERLOADED))) {
                          req.reset(0, new TimeoutException("deadline"));
                        }
                      });
              result.future().onComplete(done -> vertx.cancelTimer(deadline));
              // The answer's handlers are attached before the request goes out: attached later
              // (after send() completes, on another context), a small answer can have ended
              // already, and the attempt fails with "Response already ended" although the
              // receiver got it, which the retry turns into a duplicate.
              Future<Answer> answer = req.response().compose(Exchange::readExcerpt);
              if (body.isEmpty()) {
                req.end();
              } else {
                req.end(Buffer.buffer(body, "UTF-8"));
              }
              return answer;
            })
        .onComplete(
            done -> {
              if (done.failed() && done.cause() instanceof LeaseLost lost) {
                result.tryFail(lost);
                return;
              }
              if (done.failed()) {
                result.tryComplete(
                    new Result(
                        fail(trigger, firedAt, describe(done.cause(), target.timeout())),
                        signalOf(done.cause())));
                return;
              }
              Answer answer = done.result();
              Instant answeredAt = clock.instant();
              result.tryComplete(
                  new Result(
                      Delivery.answered(
                          trigger,
                          firedAt,
                          Duration.between(firedAt, answeredAt),
                          answer.status(),
                          answer.excerpt(),
                          RetryAfter.parse(answer.retryAfter(), answeredAt).orElse(null)),
                      answer.status() == 429 || answer.status() == 503
                          ? HostLimit.Signal.OVERLOADED
                          : HostLimit.Signal.ANSWERED));
            });
    return result.future();
  }

  private static RequestOptions request(
      ClaimedTrigger trigger,
      Endpoint endpoint,
      InetAddress address,
      Instant firedAt,
      WebhookSigner signer,
      String body,
      long timeoutMs) {
    Target target = trigger.target();
    String executionId = trigger.executionId().toString();
    long timestamp = firedAt.getEpochSecond();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.valueOf(target.method()))
            .setHost(endpoint.host())
            .setPort(endpoint.port())
            .setSsl(endpoint.ssl())
            .setURI(endpoint.requestUri())
            .setConnectTimeout(timeoutMs)
            .setIdleTimeout(timeoutMs)
            .setFollowRedirects(false);
    if (address != null) {
      options.setServer(SocketAddress.inetSocketAddress(endpoint.port(), address.getHostAddress()));
    }
    target.headers().forEach(options::putHeader);
    if (!body.isEmpty()
        && target.headers().keySet().stream().noneMatch("content-type"::equalsIgnoreCase)) {
      options.putHeader("Content-Type", "application/json");
    }
    Window window = trigger.rules().window();
    if (!window.isNone()) {
      options.putHeader(WebhookHeaders.PLANNED_FOR, window.plan(trigger.scheduledFor()).toString());
    }
    if (target.taskType() != null) {
      options.putHeader(WebhookHeaders.TASK_TYPE, target.taskType());
    }
    return options
        .putHeader(WebhookHeaders.ID, executionId)
        .putHeader(WebhookHeaders.TIMESTAMP, Long.toString(timestamp))
        .putHeader(WebhookHeaders.SIGNATURE, signer.sign(executionId, timestamp, body))
        .putHeader(WebhookHeaders.SCHEDULE_ID, trigger.scheduleId().toString())
        .putHeader(WebhookHeaders.SCHEDULED_FOR, trigger.scheduledFor().toString())
        .putHeader(WebhookHeaders.ATTEMPT, Integer.toString(trigger.attempt() + 1))
        .putHeader(WebhookHeaders.USER_AGENT, WebhookHeaders.userAgent());
  }

  /**
   * @param retryAfter the answer's {@code Retry-After} header as sent, or null
   */
  private record Answer(int status, String excerpt, String retryAfter) {}

  /**
   * Reads the first KiB of the answer and lets the rest go by without keeping it. The bytes are
   * decoded as UTF-8 with malformed sequences replaced (a binary answer stays readable text);
   * storage cleans what PostgreSQL cannot keep.
   */
  private static Future<Answer> readExcerpt(HttpClientResponse response) {
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
                          : new String(excerpt.getBytes(), StandardCharsets.UTF_8),
                      response.getHeader("Retry-After"))));
    } catch (IllegalStateException ended) {
      // The whole answer went by already: its status and headers are known, its body is not.
      answer.tryComplete(
          new Answer(response.statusCode(), null, response.getHeader("Retry-After")));
    }
    return answer.future();
  }

  private Delivery fail(ClaimedTrigger trigger, Instant firedAt, String error) {
    return Delivery.failed(trigger, firedAt, Duration.between(firedAt, clock.instant()), error);
  }

  private static String timedOut(Duration timeout) {
    return "timed out after " + Durations.formatCompact(timeout);
  }

  /** The cause that names what went wrong. */
  private static Throwable rootOf(Throwable failure) {
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
    return cause;
  }

  /** What went wrong with an exchange that got no answer, told apart once for every use. */
  enum Failure {
    UNKNOWN_HOST,
    REFUSED,
    TIMED_OUT,
    TLS,
    CLOSED,
    OTHER;

    static Failure of(Throwable cause) {
      String message = cause.getMessage() == null ? "" : cause.getMessage();
      if (cause instanceof UnknownHostException) {
        return UNKNOWN_HOST;
      }
      if (cause instanceof ConnectException || message.contains("Connection refused")) {
        return REFUSED;
      }
      if (cause instanceof TimeoutException || message.toLowerCase().contains("timeout")) {
        return TIMED_OUT;
      }
      if (cause instanceof SSLException) {
        return TLS;
      }
      return message.contains("closed") ? CLOSED : OTHER;
    }
  }

  /**
   * What a failed exchange says about the host's load: a timeout, or a connection lost before the
   * answer, says it has more than it can answer; a refused connection, a failed handshake or an
   * unknown name says nothing about load.
   */
  static HostLimit.Signal signalOf(Throwable failure) {
    return switch (Failure.of(rootOf(failure))) {
      case TIMED_OUT, CLOSED -> HostLimit.Signal.OVERLOADED;
      case UNKNOWN_HOST, REFUSED, TLS, OTHER -> HostLimit.Signal.NONE;
    };
  }

  /** A failure as a person would say it, without Java class names. */
  static String describe(Throwable failure, Duration timeout) {
    Throwable cause = rootOf(failure);
    String message = cause.getMessage() == null ? "" : cause.getMessage();
    return switch (Failure.of(cause)) {
      case UNKNOWN_HOST -> "unknown host " + message;
      case REFUSED -> "connection refused" + (message.isEmpty() ? "" : ": " + message);
      case TIMED_OUT -> timedOut(timeout);
      case TLS -> "TLS failed: " + message;
      case CLOSED -> "connection closed before an answer";
      case OTHER -> message.isEmpty() ? "request failed" : "request failed: " + message;
    };
  }
}
