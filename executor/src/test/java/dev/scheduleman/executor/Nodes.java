package dev.scheduleman.executor;

import dev.scheduleman.executor.claim.ClaimLoop;
import dev.scheduleman.executor.time.DatabaseClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;

/** Executor nodes for tests: fast polls, short leases, stopped when the test ends. */
final class Nodes implements AutoCloseable {

  static final Duration LOOKAHEAD = Duration.ofSeconds(2);

  private final List<ExecutorNode> started = new ArrayList<>();
  private final Vertx vertx;
  private final DataSource ds;
  private final DatabaseClock clock;

  /** Nodes on the database's real clock. */
  Nodes(Vertx vertx, DataSource ds) {
    this(vertx, ds, new DatabaseClock());
  }

  /** Nodes on a clock of the test's (a {@link MovedClock}). */
  Nodes(Vertx vertx, DataSource ds, DatabaseClock clock) {
    this.vertx = vertx;
    this.ds = ds;
    this.clock = clock;
  }

  static ExecutorNode.Settings settings(String owner, boolean allowPrivate) {
    return settings(owner, allowPrivate, LOOKAHEAD);
  }

  /**
   * @param lookahead how far ahead to claim; zero on a moved clock, so that nothing waits on a real
   *     timer for a time the test has not reached
   */
  static ExecutorNode.Settings settings(String owner, boolean allowPrivate, Duration lookahead) {
    return new ExecutorNode.Settings(
        new ClaimLoop.Settings(owner, Duration.ofMillis(50), 500, lookahead, Duration.ofSeconds(2)),
        1000,
        Duration.ofSeconds(1),
        200,
        Duration.ofMillis(20),
        500,
        Duration.ofMillis(500),
        Duration.ofMillis(100),
        allowPrivate);
  }

  ExecutorNode start(String owner) {
    return start(settings(owner, true), ds);
  }

  ExecutorNode start(ExecutorNode.Settings settings, DataSource dataSource) {
    ExecutorNode node =
        new ExecutorNode(
            settings,
            dataSource,
            vertx,
            new SimpleMeterRegistry(),
            () -> true,
            clock,
            new Random());
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
