package dev.scheduleman.sdk.api;

import java.time.Instant;
import java.util.List;

/**
 * The next fire times of a schedule, as instants; {@code timezone} is the zone a cron schedule is
 * evaluated in, so a reader can check them against local wall-clock times.
 */
public record PreviewDto(String timezone, List<Instant> nextFireTimes) {}
