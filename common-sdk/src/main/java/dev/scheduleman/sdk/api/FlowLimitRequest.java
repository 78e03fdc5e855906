package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of {@code PUT /api/v1/flow-limits/{key}}: each field optional, at least one of {@code
 * ratePerSecond} and {@code maxConcurrency}; {@code burst} defaults to the rate (rounded up).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FlowLimitRequest(Double ratePerSecond, Integer burst, Integer maxConcurrency) {

  public static FlowLimitRequest rate(double perSecond, int burst) {
    return new FlowLimitRequest(perSecond, burst, null);
  }

  public static FlowLimitRequest concurrency(int max) {
    return new FlowLimitRequest(null, null, max);
  }
}
