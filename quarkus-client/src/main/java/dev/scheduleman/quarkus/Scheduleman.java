package dev.scheduleman.quarkus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.quarkus.outbox.OutboxEntry;
import dev.scheduleman.quarkus.relay.Relay;
import dev.scheduleman.sdk.api.ScheduleDto;
import dev.scheduleman.sdk.model.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Schedules inside the caller's transaction. Each call writes one row of the application's outbox
 * ({@code scheduleman_outbox}) in the transaction it is called in, which must exist ({@code
 * MANDATORY}): if that transaction rolls back, nothing was scheduled; once it commits, the relay
 * sends the row to the Scheduleman API, at once, and again until the API has answered it.
 *
 * <pre>{@code
 * @Inject Scheduleman scheduleman;
 *
 * @Transactional
 * void register(Event event) {
 *   event.persist();
 *   event.mergeRef = scheduleman.replace("merge-" + event.id, mergeOneDayBefore(event)).value();
 * }
 * }</pre>
 *
 * Calls about one schedule (one name, or one unnamed schedule's reference) reach the API in the
 * order their transactions committed (a call waits for another transaction's call about the same
 * schedule to end); calls about different schedules may overtake each other.
 */
@ApplicationScoped
public class Scheduleman {

  private static final String WAKE_KEY = Scheduleman.class.getName() + ".wake";

  private final ObjectMapper json;
  private final TransactionSynchronizationRegistry transactions;
  private final Relay relay;

  public Scheduleman(
      ObjectMapper json, TransactionSynchronizationRegistry transactions, Relay relay) {
    this.json = json;
    this.transactions = transactions;
    this.relay = relay;
  }

  /**
   * Creates a schedule. It is created once however often the row is sent: the row's id is the
   * request's {@code Idempotency-Key}.
   *
   * @return its name if it has one, else a reference of its own ({@code outbox:} and the row's id)
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public ScheduleRef schedule(ScheduleDto schedule) {
    Objects.requireNonNull(schedule, "schedule");
    UUID id = Ids.newId();
    String ref = schedule.name() != null ? schedule.name() : ScheduleRef.unnamed(id);
    return write(id, OutboxEntry.Operation.CREATE, ref, schedule);
  }

  /** Creates the schedule of that name, or replaces its definition. */
  @Transactional(Transactional.TxType.MANDATORY)
  public ScheduleRef replace(String name, ScheduleDto schedule) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schedule, "schedule");
    if (schedule.name() != null && !schedule.name().equals(name)) {
      throw new IllegalArgumentException(
          "the schedule is named '" + schedule.name() + "', not '" + name + "'");
    }
    ScheduleDto named =
        ScheduleDto.request(
            name,
            schedule.description(),
            schedule.labels(),
            schedule.schedule(),
            schedule.target(),
            schedule.retry(),
            schedule.priority());
    return write(Ids.newId(), OutboxEntry.Operation.PUT, name, named);
  }

  /**
   * Deletes a schedule: by a reference an earlier call returned (a name, or an unnamed schedule's
   * reference), or by the schedule's id. One that is already gone is not an error.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public ScheduleRef cancel(String idOrName) {
    Objects.requireNonNull(idOrName, "idOrName");
    return write(Ids.newId(), OutboxEntry.Operation.DELETE, idOrName, null);
  }

  /** Where the call that wrote this row stands; empty once a sent row passed its retention. */
  @Transactional
  public Optional<OutboxStatus> status(UUID outboxId) {
    return OutboxEntry.<OutboxEntry>findByIdOptional(outboxId).map(OutboxStatus::of);
  }

  private ScheduleRef write(
      UUID id, OutboxEntry.Operation operation, String ref, ScheduleDto schedule) {
    String payload = schedule == null ? null : text(schedule);
    if (payload != null && payload.contains("\\u0000")) {
      throw new IllegalArgumentException(
          "the schedule holds a NUL character, which neither this outbox nor Scheduleman stores");
    }
    serialise(ref);
    OutboxEntry row = new OutboxEntry();
    row.id = id;
    row.operation = operation;
    row.scheduleRef = ref;
    row.payload = payload;
    row.state = OutboxEntry.State.PENDING;
    row.createdAt = Instant.now();
    row.nextAttemptAt = row.createdAt;
    row.persist();
    wakeRelayOnCommit();
    return new ScheduleRef(ref, id);
  }

  /**
   * Holds, until this transaction ends, a lock on the schedule the row is about, so that a
   * concurrent transaction calling about the same schedule writes its row only after this one has
   * committed (or rolled back): rows of one schedule are then in commit order, which the relay
   * keeps. Two transactions that call about the same two schedules in opposite orders can deadlock;
   * PostgreSQL ends one of them with an error, and the application retries it.
   */
  private static void serialise(String ref) {
    OutboxEntry.getEntityManager()
        .createNativeQuery(
            "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(?1))) AS locked", Integer.class)
        .setParameter(1, "scheduleman-outbox:" + ref)
        .getSingleResult();
  }

  /** Once per transaction: the relay sends the rows as soon as they are visible to it. */
  private void wakeRelayOnCommit() {
    if (transactions.getResource(WAKE_KEY) != null) {
      return;
    }
    transactions.putResource(WAKE_KEY, Boolean.TRUE);
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
              relay.wake();
            }
          }
        });
  }

  private String text(ScheduleDto schedule) {
    try {
      return json.writeValueAsString(schedule);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the schedule cannot be written as JSON", e);
    }
  }
}
