package dev.scheduleman.sdk.webhook;

import java.util.Locale;
import java.util.Set;

/**
 * The headers Scheduleman adds to every webhook request. The first three are the Standard Webhooks
 * headers (https://www.standardwebhooks.com); the others tell the receiver which schedule and which
 * occurrence the request stands for.
 */
public final class WebhookHeaders {

  /** Execution id: stable across retries of one trigger, so receivers can drop duplicates. */
  public static final String ID = "webhook-id";

  /** Unix seconds when this attempt was sent; part of the signed content. */
  public static final String TIMESTAMP = "webhook-timestamp";

  /** Space-separated {@code v1,<base64>} signatures, one per valid signing secret. */
  public static final String SIGNATURE = "webhook-signature";

  public static final String SCHEDULE_ID = "Scheduleman-Schedule-Id";

  /** ISO-8601 instant of the nominal fire time (not the send time). */
  public static final String SCHEDULED_FOR = "Scheduleman-Scheduled-For";

  /**
   * ISO-8601 instant the occurrence was planned to fire at within the schedule's flexible window;
   * sent only by schedules with a window.
   */
  public static final String PLANNED_FOR = "Scheduleman-Planned-For";

  /** The task type the schedule names, whose JSON Schema the body satisfies; sent only then. */
  public static final String TASK_TYPE = "Scheduleman-Task-Type";

  /** 1 for the first attempt of a trigger, 2 for its first retry, … */
  public static final String ATTEMPT = "Scheduleman-Attempt";

  public static final String USER_AGENT = "User-Agent";

  /** Headers a schedule may not set itself, because Scheduleman sets them or the transport does. */
  public static final Set<String> RESERVED =
      Set.of(
          ID,
          TIMESTAMP,
          SIGNATURE,
          SCHEDULE_ID.toLowerCase(Locale.ROOT),
          SCHEDULED_FOR.toLowerCase(Locale.ROOT),
          PLANNED_FOR.toLowerCase(Locale.ROOT),
          ATTEMPT.toLowerCase(Locale.ROOT),
          TASK_TYPE.toLowerCase(Locale.ROOT),
          "user-agent",
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "upgrade",
          "te",
          "trailer",
          "keep-alive",
          "proxy-connection");

  private WebhookHeaders() {}

  public static boolean isReserved(String name) {
    return RESERVED.contains(name.toLowerCase(Locale.ROOT));
  }

  /** The User-Agent value, with the version of the SDK that built it. */
  public static String userAgent() {
    String version = WebhookHeaders.class.getPackage().getImplementationVersion();
    return "Scheduleman/" + (version == null ? "dev" : version);
  }
}
