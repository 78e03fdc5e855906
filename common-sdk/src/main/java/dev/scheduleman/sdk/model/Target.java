package dev.scheduleman.sdk.model;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** The HTTP request a schedule makes (Scheduleman adds its own headers to these). */
public record Target(
    String url, String method, Map<String, String> headers, String body, Duration timeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
  public static final String DEFAULT_METHOD = "POST";

  public Target {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(timeout, "timeout");
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }
}
