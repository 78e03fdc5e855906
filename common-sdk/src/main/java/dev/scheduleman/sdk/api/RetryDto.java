package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a failed trigger is retried. Defaults: 5 attempts, backoff from 1 s to 5 min, {@code
 * onExhausted} {@code dead}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetryDto(
    Integer maxAttempts, String minBackoff, String maxBackoff, String onExhausted) {}
