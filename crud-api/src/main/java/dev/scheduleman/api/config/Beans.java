package dev.scheduleman.api.config;

import dev.scheduleman.sdk.target.TargetAddresses;
import dev.scheduleman.sdk.validation.Limits;
import dev.scheduleman.sdk.validation.ScheduleValidator;
import dev.scheduleman.storage.apikey.ApiKeyRepository;
import dev.scheduleman.storage.audit.AuditRepository;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.flow.FlowLimitRepository;
import dev.scheduleman.storage.idempotency.IdempotencyRepository;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.tasktype.TaskTypeRepository;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.trigger.TriggerChanges;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * The plain-Java pieces crud-api is made of (repositories from storage, the validator from the
 * SDK), wired once. Repositories take connections from the transactional data source, so every
 * statement of a {@code @Transactional} method runs in that method's transaction.
 */
@ApplicationScoped
public class Beans {

  @Produces
  @ApplicationScoped
  Clock clock() {
    return Clock.systemUTC();
  }

  /** Jitter for the trigger state machine (thread-safe: {@link Random} is). */
  @Produces
  @Singleton
  RandomGenerator random() {
    return new Random();
  }

  @Produces
  @ApplicationScoped
  ScheduleRepository schedules(AgroalDataSource ds) {
    return new ScheduleRepository(ds);
  }

  @Produces
  @ApplicationScoped
  TriggerChanges triggerChanges(AgroalDataSource ds) {
    return new TriggerChanges(ds);
  }

  @Produces
  @ApplicationScoped
  AuditRepository audit(AgroalDataSource ds) {
    return new AuditRepository(ds);
  }

  @Produces
  @ApplicationScoped
  ExecutionRepository executions(AgroalDataSource ds) {
    return new ExecutionRepository(ds);
  }

  @Produces
  @ApplicationScoped
  FlowLimitRepository flowLimits(AgroalDataSource ds) {
    return new FlowLimitRepository(ds);
  }

  @Produces
  @ApplicationScoped
  TaskTypeRepository taskTypes(AgroalDataSource ds) {
    return new TaskTypeRepository(ds);
  }

  @Produces
  @ApplicationScoped
  TenantRepository tenants(AgroalDataSource ds) {
    return new TenantRepository(ds);
  }

  @Produces
  @ApplicationScoped
  ApiKeyRepository apiKeys(AgroalDataSource ds) {
    return new ApiKeyRepository(ds);
  }

  @Produces
  @ApplicationScoped
  IdempotencyRepository idempotencyKeys(AgroalDataSource ds) {
    return new IdempotencyRepository(ds);
  }

  @Produces
  @ApplicationScoped
  TargetAddresses targetAddresses(ApiConfig config) {
    return new TargetAddresses(config.targets().allowPrivate());
  }

  @Produces
  @ApplicationScoped
  ScheduleValidator validator(ApiConfig config, TargetAddresses targets) {
    ApiConfig.Limits l = config.limits();
    Limits d = Limits.DEFAULT;
    Limits limits =
        new Limits(
            l.nameLength(),
            d.descriptionLength(),
            d.labels(),
            l.urlLength(),
            l.headers(),
            d.headerValueLength(),
            l.bodySize(),
            l.maxTimeout(),
            l.minInterval(),
            l.maxAttempts(),
            d.maxBackoff(),
            l.pastGrace());
    return new ScheduleValidator(limits, targets);
  }
}
