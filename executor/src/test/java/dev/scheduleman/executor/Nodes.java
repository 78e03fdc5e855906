package dev.scheduleman.executor;

import dev.scheduleman.executor.claim.ClaimLoop;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Executor nodes for tests: fast polls, short leases, stopped when the test ends. */
final class Nodes implements AutoCloseable {

  private final List<ExecutorNode> started = new ArrayList<>();
  private final Vertx vertx;
  private final DataSource ds;

  Nodes(Vertx vertx, DataSource ds) {
    this.vertx = vertx;
    this.ds = ds;
  }

  static ExecutorNode.Settings settings(String owner, boolean allowPrivate) {
    return new ExecutorNode.Settings(
        new ClaimLoop.Settings(
            owner, Duration.ofMillis(50), 500, Duration.ofSeconds(2), Duration.ofSeconds(2)),
        1000,
        200,
        Duration.ofMillis(20),
        500,
        allowPrivate);
  }

  ExecutorNode start(String owner) {
    return start(settings(owner, true), ds);
  }

  ExecutorNode start(ExecutorNode.Settings settings, DataSource dataSource) {
    ExecutorNode node =
        new ExecutorNode(
            settings, dataSource, vertx, new SimpleMeterRegistry(), () -> true, Clock.systemUTC());
    node.start();
    started.add(node);
    return node;
  }

  void stop(ExecutorNode node) {
    if (started.remove(node)) {
      node.stop(Duration.ofSeconds(10));
    }
  }

  @Override
  public void close() {
    for (ExecutorNode node : List.copyOf(started)) {
      stop(node);
    }
  }
}
