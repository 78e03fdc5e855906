package dev.scheduleman.storage.testing;

import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.spec.AtSpec;
import dev.scheduleman.sdk.spec.CronSpec;
import dev.scheduleman.sdk.spec.EverySpec;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.sdk.trigger.PendingTrigger;
import dev.scheduleman.sdk.webhook.SigningSecrets;
import dev.scheduleman.storage.execution.ExecutionRow;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.schedule.SpecColumns;
import dev.scheduleman.storage.tenant.TenantRow;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/** Test data with sensible defaults, so a test states only what matters to it. */
public final class Fixtures {

  private Fixtures() {}

  /** Now, in the precision the database keeps. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  public static TenantRow aTenant() {
    UUID id = Ids.newId();
    return new TenantRow(id, "tenant-" + id, SigningSecrets.generate(), now());
  }

  public static ScheduleBuilder aSchedule(UUID tenantId) {
    return new ScheduleBuilder(tenantId);
  }

  /** Builds a {@link ScheduleRow}: by default an active one-off due now, posting to a local URL. */
  public static final class ScheduleBuilder {
    private final UUID tenantId;
    private UUID id = Ids.newId();
    private String name;
    private ScheduleSpec spec;
    private Target target =
        new Target("http://127.0.0.1:9/hook", "POST", Map.of(), "{}", Duration.ofSeconds(3));
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private int priority = ScheduleRow.DEFAULT_PRIORITY;
    private int attempts;
    private ScheduleState state = ScheduleState.ACTIVE;
    private Instant fireAt = now();
    private Map<String, String> labels = Map.of();
    private String leaseOwner;
    private Instant leaseUntil;
    private Duration window = Duration.ZERO;

    private ScheduleBuilder(UUID tenantId) {
      this.tenantId = tenantId;
    }

    public ScheduleBuilder withId(UUID id) {
      this.id = id;
      return this;
    }

    public ScheduleBuilder named(String name) {
      this.name = name;
      return this;
    }

    public ScheduleBuilder withCron(String cron, String timezone) {
      this.spec = CronSpec.parse(cron, timezone);
      return this;
    }

    /** A flexible window (the pending trigger stays due as set: this only stores the window). */
    public ScheduleBuilder withWindow(Duration window) {
      this.window = window;
      return this;
    }

    public ScheduleBuilder withSpec(dev.scheduleman.sdk.spec.ScheduleSpec spec) {
      this.spec = spec;
      return this;
    }

    public ScheduleBuilder every(Duration interval) {
      this.spec = new EverySpec(interval, fireAt);
      return this;
    }

    public ScheduleBuilder dueAt(Instant fireAt) {
      this.fireAt = fireAt.truncatedTo(ChronoUnit.MILLIS);
      return this;
    }

    public ScheduleBuilder dueIn(Duration delay) {
      return dueAt(now().plus(delay));
    }

    public ScheduleBuilder withTarget(Target target) {
      this.target = target;
      return this;
    }

    public ScheduleBuilder withUrl(String url) {
      this.target =
          new Target(url, target.method(), target.headers(), target.body(), target.timeout());
      return this;
    }

    /** A target that names a flow key (null for the host's key). */
    public ScheduleBuilder withFlowKey(String flowKey) {
      this.target =
          new Target(
              target.url(),
              target.method(),
              target.headers(),
              target.body(),
              target.timeout(),
              flowKey);
      return this;
    }

    /** A target whose body is of the given task type (declared by the test). */
    public ScheduleBuilder withTaskType(String taskType) {
      this.target =
          new Target(
              target.url(),
              target.method(),
              target.headers(),
              target.body(),
              target.timeout(),
              target.flowKey(),
              taskType);
      return this;
    }

    public ScheduleBuilder withRetry(RetryPolicy retry) {
      this.retry = retry;
      return this;
    }

    public ScheduleBuilder withPriority(int priority) {
      this.priority = priority;
      return this;
    }

    /** A trigger that failed this many times already: its next firing is a retry. */
    public ScheduleBuilder afterAttempts(int attempts) {
      this.attempts = attempts;
      return this;
    }

    public ScheduleBuilder inState(ScheduleState state) {
      this.state = state;
      return this;
    }

    public ScheduleBuilder withLabels(Map<String, String> labels) {
      this.labels = labels;
      return this;
    }

    public ScheduleBuilder leasedTo(String owner, Instant until) {
      this.leaseOwner = owner;
      this.leaseUntil = until;
      return this;
    }

    public ScheduleRow build() {
      ScheduleSpec effective = spec == null ? new AtSpec(fireAt) : spec;
      PendingTrigger pending =
          state == ScheduleState.ACTIVE
              ? PendingTrigger.restore(
                  fireAt,
                  fireAt,
                  Ids.newId(),
                  attempts,
                  leaseOwner,
                  leaseUntil,
                  leaseOwner == null ? null : Ids.newId())
              : PendingTrigger.none();
      Instant now = now();
      return new ScheduleRow(
          id,
          tenantId,
          name,
          null,
          labels,
          SpecColumns.of(effective, window),
          target,
          retry,
          priority,
          state,
          pending,
          null,
          1,
          now,
          now);
    }
  }

  /** An attempt of the schedule's pending trigger, fired 25 ms late, a second per attempt apart. */
  public static ExecutionRow anAttempt(ScheduleRow schedule, int attempt, boolean exhausted) {
    Instant scheduledFor = schedule.pending().scheduledFor();
    boolean failed = exhausted || attempt % 2 == 0;
    return new ExecutionRow(
        0,
        schedule.id(),
        schedule.tenantId(),
        schedule.pending().executionId(),
        scheduledFor,
        scheduledFor.plusMillis(25).plusSeconds(attempt - 1L),
        attempt,
        "executor-1",
        failed ? Outcome.FAILED : Outcome.SUCCEEDED,
        failed ? 503 : 200,
        12,
        failed ? "HTTP 503" : null,
        "ok",
        exhausted,
        null);
  }
}
