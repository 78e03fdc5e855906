package dev.scheduleman.api.schedules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.api.auth.Caller;
import dev.scheduleman.api.config.ApiConfig;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.ScheduleDto;
import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.storage.idempotency.IdempotencyRepository;
import dev.scheduleman.storage.schedule.ScheduleKey;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * {@code POST /schedules} with an {@code Idempotency-Key}: the key is recorded in the transaction
 * that creates the schedule, so a retry of a request whose answer was lost returns the schedule it
 * created. A concurrent retry waits on the key's row until the first request's transaction ends,
 * then replays its result; a failed first request records nothing, so its retry runs afresh.
 */
@ApplicationScoped
public class IdempotentCreate {

  private static final Logger LOG = Logger.getLogger(IdempotentCreate.class);
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

  /** The schedule, and whether it was created by an earlier request with the same key. */
  public record Result(ScheduleRow row, boolean replayed) {}

  private final IdempotencyRepository keys;
  private final ScheduleRepository schedules;
  private final ScheduleService service;
  private final ObjectMapper json;
  private final ApiConfig config;
  private final Clock clock;

  public IdempotentCreate(
      IdempotencyRepository keys,
      ScheduleRepository schedules,
      ScheduleService service,
      ObjectMapper json,
      ApiConfig config,
      Clock clock) {
    this.keys = keys;
    this.schedules = schedules;
    this.service = service;
    this.json = json;
    this.config = config;
    this.clock = clock;
  }

  @Transactional
  public Result create(Caller caller, String key, ScheduleDto request) {
    if (!KEY.matcher(key).matches()) {
      throw ProblemException.badRequest(
          SchedulesResource.IDEMPOTENCY_KEY,
          "must be 1 to 255 visible ASCII characters, such as a UUID");
    }
    byte[] hash = hash(request);
    UUID id = Ids.newId();
    Optional<IdempotencyRepository.Use> earlier =
        keys.claim(caller.tenantId(), key, hash, id, clock.instant());
    if (earlier.isEmpty()) {
      return new Result(service.create(caller, request, id), false);
    }
    if (!Arrays.equals(earlier.get().requestHash(), hash)) {
      throw ProblemException.invalid(
          SchedulesResource.IDEMPOTENCY_KEY,
          "was already used with a different request; use a new key for a new request");
    }
    return schedules
        .find(caller.tenantId(), ScheduleKey.byId(earlier.get().scheduleId()))
        .map(row -> new Result(row, true))
        .orElseThrow(
            () ->
                ProblemException.conflict(
                    "the schedule created with this Idempotency-Key has since been deleted"));
  }

  @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void forgetOldKeys() {
    try {
      int deleted = keys.deleteOlderThan(clock.instant().minus(config.idempotency().retention()));
      if (deleted > 0) {
        LOG.infof(
            "forgot %d idempotency keys older than %s", deleted, config.idempotency().retention());
      }
    } catch (RuntimeException e) {
      LOG.warnf("could not forget old idempotency keys (will retry): %s", e.getMessage());
    }
  }

  private byte[] hash(ScheduleDto request) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(request));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("a request that was read can be written", e);
    }
  }
}
