package dev.scheduleman.executor.health;

import dev.scheduleman.executor.ExecutorLifecycle;
import dev.scheduleman.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while completions cannot be written: the completer has had work and written none of it
 * for {@code stuck-after}. Readiness, not liveness, because the usual cause is the database being
 * away, which a restart does not cure and which would lose the completions in memory.
 */
@Readiness
@ApplicationScoped
public class CompletionReadiness implements HealthCheck {

  private final ExecutorLifecycle lifecycle;
  private final ExecutorConfig config;

  CompletionReadiness(ExecutorLifecycle lifecycle, ExecutorConfig config) {
    this.lifecycle = lifecycle;
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    var node = lifecycle.node();
    if (node.isEmpty()) {
      // Not ready while it starts (the send warm-up runs before the node exists).
      boolean enabled = config.executor().enabled();
      return HealthCheckResponse.named("completions")
          .status(!enabled)
          .withData("enabled", enabled)
          .build();
    }
    Duration stalled = node.get().completer().stalledFor();
    return HealthCheckResponse.named("completions")
        .status(stalled.compareTo(config.executor().stuckAfter()) < 0)
        .withData("pending", node.get().completer().pending())
        .withData("stalledMs", stalled.toMillis())
        .withData("listening", node.get().listening())
        .build();
  }
}
