package dev.scheduleman.examples.events;

import dev.scheduleman.storage.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** The example's own database, beside the shared embedded PostgreSQL's. */
public class EventsDatabase implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    return Map.of(
        "quarkus.datasource.jdbc.url",
        TestDatabase.shared().createEmptyDatabase("event_pools"),
        "quarkus.datasource.username",
        TestDatabase.USER,
        "quarkus.datasource.password",
        "");
  }

  @Override
  public void stop() {}
}
