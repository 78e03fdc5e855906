package dev.scheduleman.executor.health;

import dev.scheduleman.executor.ExecutorLifecycle;
import dev.scheduleman.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive while the claim loop turns and the completer's thread runs. A loop that has not turned for
 * {@code stuck-after} (it turns at least every few seconds even when the database is away) is
 * stuck, and a restart is the cure.
 */
@Liveness
@ApplicationScoped
public class ClaimLoopLiveness implements HealthCheck {

  private final ExecutorLifecycle lifecycle;
  private final ExecutorConfig config;

  ClaimLoopLiveness(ExecutorLifecycle lifecycle, ExecutorConfig config) {
    this.lifecycle = lifecycle;
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    var node = lifecycle.node();
    if (node.isEmpty()) {
      return HealthCheckResponse.named("claim-loop").up().withData("enabled", false).build();
    }
    Instant heartbeat = node.get().loop().heartbeat();
    Duration since = node.get().loop().sinceLastTurn();
    boolean alive =
        (!node.get().loop().running() || since.compareTo(config.executor().stuckAfter()) < 0)
            && node.get().completer().alive();
    return HealthCheckResponse.named("claim-loop")
        .status(alive)
        .withData("owner", node.get().owner())
        .withData("lastTurn", heartbeat.toString())
        .withData("inFlight", node.get().inFlight())
        .withData("completerRunning", node.get().completer().alive())
        .build();
  }
}
