package dev.scheduleman.quarkus;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;

/** The client's configuration, under {@code scheduleman.}. */
@ConfigMapping(prefix = "scheduleman")
public interface SchedulemanConfig {

  /** The Scheduleman API's base URL, as in {@code http://localhost:8080}. */
  URI url();

  /** The tenant's API key. */
  String apiKey();

  Relay relay();

  interface Relay {

    /** Off: rows are written and stay pending (for an instance that must not send). */
    @WithDefault("true")
    boolean enabled();

    /** How many rows one relay transaction takes. */
    @WithDefault("50")
    int batchSize();

    /**
     * How often the relay looks for rows besides the wake-up after each commit: rows a crash left,
     * rows whose backoff ended.
     */
    @WithDefault("2s")
    Duration pollInterval();

    /** How long one request to the API may take. */
    @WithDefault("5s")
    Duration requestTimeout();

    /** The first retry's delay after a failure that may pass (the API down, a 503). */
    @WithDefault("500ms")
    Duration minBackoff();

    @WithDefault("30s")
    Duration maxBackoff();

    /** The health check reports DOWN when a row has waited this long. */
    @WithDefault("60s")
    Duration unhealthyAfter();

    /**
     * Sent rows are deleted after this long; failed rows stay until the application removes them.
     */
    @WithDefault("7d")
    Duration retention();
  }
}
