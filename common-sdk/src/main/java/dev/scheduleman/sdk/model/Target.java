package dev.scheduleman.sdk.model;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP request a schedule makes (Scheduleman adds its own headers to these).
 *
 * @param flowKey the flow key the schedule names, whose flow limit (if its tenant declared one)
 *     paces its deliveries; null for the default, {@code host:} and the target's host
 * @param taskType the task type the schedule names, whose JSON Schema its body satisfied when it
 *     was written (sent as {@code Scheduleman-Task-Type}); null for an untyped body
 */
public record Target(
    String url,
    String method,
    Map<String, String> headers,
    String body,
    Duration timeout,
    String flowKey,
    String taskType) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
  public static final String DEFAULT_METHOD = "POST";

  /** The prefix of the flow key a target without one of its own is paced by. */
  public static final String HOST_FLOW_KEY_PREFIX = "host:";

  public Target {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(timeout, "timeout");
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** A target paced by its host's flow key (the default). */
  public Target(
      String url, String method, Map<String, String> headers, String body, Duration timeout) {
    this(url, method, headers, body, timeout, null, null);
  }

  /** An untyped target paced by the given flow key (null for the host's). */
  public Target(
      String url,
      String method,
      Map<String, String> headers,
      String body,
      Duration timeout,
      String flowKey) {
    this(url, method, headers, body, timeout, flowKey, null);
  }

  /**
   * The flow key that applies: the one named, else {@code host:} and the URL's host in lower case
   * (an IPv6 address in brackets), which a flow limit declared for that host then paces.
   */
  public String appliedFlowKey() {
    return flowKey != null ? flowKey : hostFlowKey(url);
  }

  /** The default flow key of a URL: {@code host:} and its host, in lower case. */
  public static String hostFlowKey(String url) {
    String host;
    try {
      host = URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      host = null;
    }
    return HOST_FLOW_KEY_PREFIX + (host == null ? "" : host.toLowerCase(Locale.ROOT));
  }
}
