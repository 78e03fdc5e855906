package dev.scheduleman.examples.events;

import io.smallrye.config.ConfigMapping;
import java.net.URI;

@ConfigMapping(prefix = "events")
public interface EventsConfig {

  /** Where Scheduleman's executors reach this application. */
  URI hooksUrl();

  /** The tenant's signing secret ({@code GET /api/v1/signing-secret}), to check each webhook. */
  String signingSecret();
}
