package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a cron or every schedule does with occurrences it missed (the executors were down or far
 * behind). An occurrence fired later than {@code threshold} after its time was missed; {@code
 * policy} says what fires instead: {@code latest} (default) the first occurrence still on time, or
 * one catch-up for the latest missed; {@code skip} the first one on time, or nothing; {@code all}
 * each missed one in order, at most the {@code maxCatchUp} latest. Defaults: {@code latest}, {@code
 * PT1M}, 100.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MisfireDto(String policy, String threshold, Integer maxCatchUp) {}
