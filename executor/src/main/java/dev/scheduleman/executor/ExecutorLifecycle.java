package dev.scheduleman.executor;

import dev.scheduleman.executor.claim.ClaimLoop;
import dev.scheduleman.executor.config.ExecutorConfig;
import dev.scheduleman.executor.schema.SchemaReadiness;
import dev.scheduleman.executor.send.WarmUp;
import dev.scheduleman.executor.time.DatabaseClock;
import dev.scheduleman.storage.trigger.TriggerRepository;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/** Runs this process's {@link ExecutorNode}: started with the application, stopped gracefully. */
@ApplicationScoped
public class ExecutorLifecycle {

  private static final Logger LOG = Logger.getLogger(ExecutorLifecycle.class);
  private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(20);

  private final ExecutorConfig config;
  private final AgroalDataSource ds;
  private final Vertx vertx;
  private final MeterRegistry registry;
  private final SchemaReadiness schema;
  private volatile ExecutorNode node;

  public ExecutorLifecycle(
      ExecutorConfig config,
      AgroalDataSource ds,
      Vertx vertx,
      MeterRegistry registry,
      @Readiness SchemaReadiness schema) {
    this.config = config;
    this.ds = ds;
    this.vertx = vertx;
    this.registry = registry;
    this.schema = schema;
  }

  void start(@Observes StartupEvent event) {
    ExecutorConfig.Executor e = config.executor();
    if (!e.enabled()) {
      LOG.info("executor disabled (scheduleman.executor.enabled=false): not claiming");
      return;
    }
    Duration renewal = e.leaseRenewal().orElse(e.leaseMargin().dividedBy(4));
    if (renewal.compareTo(e.leaseMargin()) >= 0 || renewal.isNegative() || renewal.isZero()) {
      throw new IllegalStateException(
          "scheduleman.executor.lease-renewal ("
              + renewal
              + ") must be positive and shorter than lease-margin ("
              + e.leaseMargin()
              + "): leases would run out between renewals");
    }
    String owner = e.id().orElseGet(ExecutorLifecycle::defaultId);
    if (e.warmUpRequests() > 0) {
      long started = System.nanoTime();
      int answered = WarmUp.run(e.warmUpRequests(), WARM_UP_LIMIT);
      LOG.infof(
          "executor %s warmed up: %d of %d webhooks to itself in %d ms",
          owner, answered, e.warmUpRequests(), (System.nanoTime() - started) / 1_000_000);
    }
    node =
        new ExecutorNode(
            new ExecutorNode.Settings(
                new ClaimLoop.Settings(
                    owner, e.pollInterval(), e.batchSize(), e.lookahead(), e.leaseMargin()),
                e.maxInFlight(),
                e.maxQueueWait(),
                e.connectionsPerHost(),
                e.completionInterval(),
                e.completionBatch(),
                renewal,
                e.fenceAfter(),
                config.targets().allowPrivate()),
            ds,
            vertx,
            registry,
            this::schemaCurrent,
            new DatabaseClock(),
            new Random());
    node.start();
    LOG.infof(
        "executor %s claiming (batch %d, look-ahead %s, poll ~%s)",
        owner, e.batchSize(), e.lookahead(), e.pollInterval());
  }

  void stop(@Observes ShutdownEvent event) {
    ExecutorNode running = node;
    if (running != null) {
      LOG.infof(
          "executor %s stopping: no new claims, finishing in-flight deliveries", running.owner());
      running.stop(config.executor().shutdownGrace());
      LOG.infof("executor %s stopped", running.owner());
    }
  }

  /** The running node, if this process claims. */
  public Optional<ExecutorNode> node() {
    return Optional.ofNullable(node);
  }

  @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void measureBacklog() {
    ExecutorNode running = node;
    if (running == null || !schemaCurrent()) {
      return;
    }
    try {
      running.metrics().dueBacklog(new TriggerRepository(ds).dueBacklog(null));
    } catch (RuntimeException ex) {
      LOG.debugf("could not measure the due backlog: %s", ex.getMessage());
    }
  }

  private boolean schemaCurrent() {
    try {
      return schema.isCurrent();
    } catch (RuntimeException ex) {
      return false;
    }
  }

  private static String defaultId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException ex) {
        host = "executor";
      }
    }
    String nonce = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    return host + "-" + ProcessHandle.current().pid() + "-" + nonce;
  }
}
