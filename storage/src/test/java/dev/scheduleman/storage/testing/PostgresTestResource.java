package dev.scheduleman.storage.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} application at the shared embedded PostgreSQL. Quarkus Dev Services
 * would need a container engine; this needs nothing but the JDK.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    TestDatabase db = TestDatabase.shared();
    return Map.of(
        "quarkus.datasource.jdbc.url",
        db.jdbcUrl(),
        "quarkus.datasource.username",
        TestDatabase.USER,
        "quarkus.datasource.password",
        "");
  }

  @Override
  public void stop() {
    // The database lives as long as the test JVM, shared by every test class.
  }
}
