package dev.scheduleman.executor.schema;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfoService;

/**
 * Ready only once the database holds every migration this executor was built with. crud-api
 * migrates; an executor that starts first waits, not ready, instead of claiming from a schema it
 * does not know.
 */
@Readiness
@ApplicationScoped
public class SchemaReadiness implements HealthCheck {

  private final Flyway flyway;
  private volatile boolean current;

  SchemaReadiness(Flyway flyway) {
    this.flyway = flyway;
  }

  /** True once the schema was seen up to date; it stays so (migrations only move forward). */
  public boolean isCurrent() {
    if (!current) {
      MigrationInfoService info = flyway.info();
      current = info.current() != null && info.pending().length == 0;
    }
    return current;
  }

  @Override
  public HealthCheckResponse call() {
    try {
      return HealthCheckResponse.named("schema").status(isCurrent()).build();
    } catch (RuntimeException e) {
      return HealthCheckResponse.named("schema")
          .down()
          .withData("error", String.valueOf(e.getMessage()))
          .build();
    }
  }
}
