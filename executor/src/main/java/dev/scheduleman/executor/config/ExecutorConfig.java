package dev.scheduleman.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** Everything an executor can be configured with, under {@code scheduleman.*}. */
@ConfigMapping(prefix = "scheduleman")
public interface ExecutorConfig {

  Executor executor();

  Targets targets();

  Housekeeping housekeeping();

  interface Executor {
    /** Whether this process claims and fires triggers (off only in tests of other parts). */
    @WithDefault("true")
    boolean enabled();

    /** This executor's name in leases and history; default: host name, process id and a nonce. */
    Optional<String> id();

    /** Mean gap between claims when there is little to do; each gap is randomized ×[0.5, 1.5]. */
    @WithName("poll-interval")
    @WithDefault("500ms")
    Duration pollInterval();

    /**
     * Webhooks sent at start to a loopback receiver of the executor's own, before it claims, so
     * that its first real wave runs compiled code (0: none).
     */
    @WithName("warm-up-requests")
    @WithDefault("5000")
    int warmUpRequests();

    /** Triggers claimed at most per statement. */
    @WithName("batch-size")
    @WithDefault("1000")
    int batchSize();

    /** How far ahead triggers are claimed, to fire on their due instant from a timer. */
    @WithDefault("2s")
    Duration lookahead();

    /**
     * Lease beyond a trigger's due time plus its timeout, renewed while the executor holds the
     * trigger; once an executor has died its triggers are claimable again this long after their due
     * time plus timeout.
     */
    @WithName("lease-margin")
    @WithDefault("10s")
    Duration leaseMargin();

    /**
     * How often the leases of every held trigger are renewed (to its timeout plus the margin from
     * now); well below the margin, so that a failed renewal or two lose nothing. Default: a quarter
     * of the margin.
     */
    @WithName("lease-renewal")
    Optional<Duration> leaseRenewal();

    /**
     * A trigger whose lease was last confirmed longer ago than this (it waited on a timer, or for a
     * connection) is fenced before it goes out: a statement confirms the lease again, so an edit,
     * pause or delete committed meanwhile wins over the old version even if its notification was
     * missed. (A change within this time is caught by the notification the API sends.)
     */
    @WithName("fence-after")
    @WithDefault("1s")
    Duration fenceAfter();

    /**
     * While a due trigger has waited longer than this for a connection to its host (the host is
     * slower than this executor's connections to it), the executor claims nothing more: other
     * executors, or later claims, take the backlog, instead of this one holding triggers it cannot
     * send soon.
     */
    @WithName("max-queue-wait")
    @WithDefault("1s")
    Duration maxQueueWait();

    /**
     * Triggers claimed and not yet completed, at most: the depth of the claim → fire → complete
     * pipeline (measured: 1,000 held a 2-core burst to ~4,000/s, 3,000 reached ~5,800/s). Only
     * requests on the wire can be duplicated by a crash, and those are bounded by the connections.
     */
    @WithName("max-in-flight")
    @WithDefault("3000")
    int maxInFlight();

    /** Connections kept per target host and port. */
    @WithName("connections-per-host")
    @WithDefault("200")
    int connectionsPerHost();

    /** Completions are written at least this often, or when a batch is full. */
    @WithName("completion-interval")
    @WithDefault("20ms")
    Duration completionInterval();

    @WithName("completion-batch")
    @WithDefault("500")
    int completionBatch();

    /** On shutdown, how long in-flight deliveries may take to finish. */
    @WithName("shutdown-grace")
    @WithDefault("20s")
    Duration shutdownGrace();

    /** The liveness check fails when the claim loop has not turned for this long. */
    @WithName("stuck-after")
    @WithDefault("60s")
    Duration stuckAfter();
  }

  interface Targets {
    /** Allow loopback, private and link-local targets (local runs and tests only). */
    @WithName("allow-private")
    @WithDefault("false")
    boolean allowPrivate();
  }

  interface Housekeeping {
    /** How long attempts are kept in the execution history. */
    @WithName("history-retention")
    @WithDefault("7d")
    Duration historyRetention();
  }
}
