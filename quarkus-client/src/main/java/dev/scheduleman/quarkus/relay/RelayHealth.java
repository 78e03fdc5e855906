package dev.scheduleman.quarkus.relay;

import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The relay at {@code /q/health/well} (and in {@code /q/health}): DOWN when a row has waited longer
 * than {@code scheduleman.relay.unhealthy-after}. A wellness check, not readiness: the application
 * keeps serving while Scheduleman is away (its calls wait in the outbox), so it must not be taken
 * out of service for it.
 */
@Wellness
@ApplicationScoped
public class RelayHealth implements HealthCheck {

  private final Relay relay;

  RelayHealth(Relay relay) {
    this.relay = relay;
  }

  @Override
  public HealthCheckResponse call() {
    double age = relay.oldestPendingAgeSeconds();
    var depth = relay.depth();
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("scheduleman-outbox")
            .status(age <= relay.config().unhealthyAfter().toMillis() / 1e3)
            .withData("pending", depth.pending())
            .withData("failed", depth.failed())
            .withData("oldestPendingAgeSeconds", Math.round(age))
            .withData("failuresInARow", relay.failuresInARow())
            .withData("relay", relay.config().enabled() ? "on" : "off");
    if (relay.lastError() != null) {
      response.withData("lastError", relay.lastError());
    }
    return response.build();
  }
}
