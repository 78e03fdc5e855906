package dev.scheduleman.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** Everything crud-api can be configured with, under {@code scheduleman.*}. */
@ConfigMapping(prefix = "scheduleman")
public interface ApiConfig {

  /**
   * The bootstrap admin API key ({@code SCHEDULEMAN_BOOTSTRAP_KEY}): it acts for the default tenant
   * and may manage tenants. Without it, only tenant keys work.
   */
  @WithName("bootstrap-key")
  Optional<String> bootstrapKey();

  /** The tenant the bootstrap key acts for, created at start when missing. */
  @WithName("default-tenant")
  @WithDefault("default")
  String defaultTenant();

  Targets targets();

  Limits limits();

  Signing signing();

  Idempotency idempotency();

  interface Targets {
    /** Allow loopback, private and link-local targets (local runs and tests only). */
    @WithName("allow-private")
    @WithDefault("false")
    boolean allowPrivate();
  }

  interface Limits {
    @WithName("name-length")
    @WithDefault("200")
    int nameLength();

    @WithName("url-length")
    @WithDefault("2048")
    int urlLength();

    @WithDefault("32")
    int headers();

    @WithName("body-size")
    @WithDefault("65536")
    int bodySize();

    @WithName("max-timeout")
    @WithDefault("30s")
    Duration maxTimeout();

    @WithName("min-interval")
    @WithDefault("1s")
    Duration minInterval();

    @WithName("max-attempts")
    @WithDefault("100")
    int maxAttempts();

    @WithName("past-grace")
    @WithDefault("60s")
    Duration pastGrace();

    /** Items in one batch create. */
    @WithName("batch-size")
    @WithDefault("1000")
    int batchSize();

    /** A request body, in bytes; larger ones are refused before they are read. */
    @WithName("request-body")
    @WithDefault("1048576")
    long requestBody();
  }

  interface Signing {
    /** How long a rotated-out signing secret keeps signing beside the new one. */
    @WithName("rotation-grace")
    @WithDefault("24h")
    Duration rotationGrace();
  }

  interface Idempotency {
    /** How long an Idempotency-Key is remembered. */
    @WithDefault("24h")
    Duration retention();
  }
}
