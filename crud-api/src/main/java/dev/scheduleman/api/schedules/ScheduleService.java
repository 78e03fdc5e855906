package dev.scheduleman.api.schedules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.api.audit.AuditLog;
import dev.scheduleman.api.audit.Changes;
import dev.scheduleman.api.auth.Caller;
import dev.scheduleman.api.http.Preconditions;
import dev.scheduleman.api.problem.InvalidPatchException;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.api.quotas.ScheduleQuotas;
import dev.scheduleman.api.tasks.TypedBodies;
import dev.scheduleman.sdk.api.Problem.FieldError;
import dev.scheduleman.sdk.api.ScheduleDto;
import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.sdk.spec.InvalidSpecException;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.sdk.spec.Window;
import dev.scheduleman.sdk.trigger.PendingTrigger;
import dev.scheduleman.sdk.trigger.Transition;
import dev.scheduleman.sdk.trigger.TriggerEvent;
import dev.scheduleman.sdk.trigger.TriggerRules;
import dev.scheduleman.sdk.trigger.TriggerState;
import dev.scheduleman.sdk.trigger.TriggerStateMachine;
import dev.scheduleman.sdk.validation.ScheduleDefinition;
import dev.scheduleman.sdk.validation.ScheduleValidator;
import dev.scheduleman.sdk.validation.Validation;
import dev.scheduleman.storage.schedule.ScheduleFilter;
import dev.scheduleman.storage.schedule.ScheduleKey;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.schedule.SpecColumns;
import dev.scheduleman.storage.sql.StorageException;
import dev.scheduleman.storage.trigger.TriggerChanges;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Schedules as users manage them. Every write reads the row under a lock, checks the caller's
 * precondition, validates, moves the trigger through the {@link TriggerStateMachine} and writes, in
 * one transaction; every statement is confined to the caller's tenant, so another tenant's schedule
 * is simply not found.
 */
@ApplicationScoped
public class ScheduleService {

  private static final String NAME_CONSTRAINT = "schedule_name_unique";

  private final ScheduleRepository schedules;
  private final ScheduleValidator validator;
  private final ObjectMapper json;
  private final Clock clock;
  private final RandomGenerator random;
  private final TriggerChanges changes;
  private final TypedBodies typedBodies;
  private final ScheduleQuotas quotas;
  private final AuditLog audit;

  /** The fields of a schedule whose own fields the audit log names too. */
  private static final Set<String> NESTED = Set.of("schedule", "target", "retry");

  public ScheduleService(
      ScheduleRepository schedules,
      ScheduleValidator validator,
      ObjectMapper json,
      Clock clock,
      RandomGenerator random,
      TriggerChanges changes,
      TypedBodies typedBodies,
      ScheduleQuotas quotas,
      AuditLog audit) {
    this.quotas = quotas;
    this.audit = audit;
    this.changes = changes;
    this.typedBodies = typedBodies;
    this.schedules = schedules;
    this.validator = validator;
    this.json = json;
    this.clock = clock;
    this.random = random;
  }

  /** A write's result: the schedule, and whether it was created by this request. */
  public record Written(ScheduleRow row, boolean created) {}

  @Transactional
  public ScheduleRow create(Caller caller, ScheduleDto request) {
    return create(caller, request, Ids.newId());
  }

  /** Creates a schedule with a given id (the one an idempotency key reserved). */
  @Transactional
  public ScheduleRow create(Caller caller, ScheduleDto request, UUID id) {
    Instant now = now();
    ScheduleDefinition definition = valid(validator.validate(request, now, null, ""));
    checkTyped(caller.tenantId(), List.of(new TypedBodies.Written("", definition.target())));
    ScheduleRow row = newRow(id, caller.tenantId(), definition, now);
    insert(List.of(row), List.of(""));
    audit.record("create", RESOURCE, id.toString(), changes(null, row));
    return row;
  }

  /** Creates all or none; every invalid item is reported under {@code items[i]}. */
  @Transactional
  public List<ScheduleRow> createAll(Caller caller, List<ScheduleDto> items) {
    Instant now = now();
    List<FieldError> errors = new ArrayList<>();
    List<ScheduleRow> rows = new ArrayList<>(items.size());
    List<String> prefixes = new ArrayList<>(items.size());
    Map<String, Integer> firstUse = new HashMap<>();
    List<TypedBodies.Written> typed = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String prefix = "items[" + i + "].";
      Validation<ScheduleDefinition> result = validator.validate(items.get(i), now, null, prefix);
      errors.addAll(result.errors());
      if (result.isValid()) {
        ScheduleDefinition definition = result.get();
        Integer earlier =
            definition.name() == null ? null : firstUse.putIfAbsent(definition.name(), i);
        if (earlier != null) {
          errors.add(new FieldError(prefix + "name", "is already used by items[" + earlier + "]"));
        }
        rows.add(newRow(Ids.newId(), caller.tenantId(), definition, now));
        prefixes.add(prefix);
        typed.add(new TypedBodies.Written(prefix, definition.target()));
      }
    }
    errors.addAll(typedBodies.problems(caller.tenantId(), typed));
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    insert(rows, prefixes);
    audit.record(
        caller.tenantId(),
        "create",
        RESOURCE,
        rows.stream().map(r -> new AuditLog.Written(r.id().toString(), changes(null, r))).toList());
    return rows;
  }

  /** Creates the schedule of that name, or replaces its definition (declarative set-up). */
  @Transactional
  public Written putByName(Caller caller, String name, ScheduleDto request, String ifMatch) {
    if (request != null && request.name() != null && !request.name().equals(name)) {
      throw ProblemException.invalid(
          "name", "'" + request.name() + "' differs from the name in the path, '" + name + "'");
    }
    ScheduleDto named = withName(request, name);
    var existing = schedules.lock(caller.tenantId(), ScheduleKey.byName(name));
    if (existing.isEmpty()) {
      if (ifMatch != null) {
        throw ProblemException.preconditionFailed(
            "If-Match was given, but there is no schedule named '" + name + "' to match");
      }
      return new Written(create(caller, named, Ids.newId()), true);
    }
    return new Written(replace(existing.get(), named, ifMatch, "replace"), false);
  }

  public ScheduleRow get(Caller caller, UUID id) {
    return schedules.find(caller.tenantId(), ScheduleKey.byId(id)).orElseThrow(() -> notFound(id));
  }

  public ScheduleRow getByName(Caller caller, String name) {
    return schedules
        .find(caller.tenantId(), ScheduleKey.byName(name))
        .orElseThrow(() -> ProblemException.notFound("no schedule named '" + name + "'"));
  }

  public List<ScheduleRow> list(Caller caller, ScheduleFilter filter, UUID after, int limit) {
    return schedules.list(caller.tenantId(), filter, after, limit);
  }

  @Transactional
  public ScheduleRow replace(Caller caller, UUID id, ScheduleDto request, String ifMatch) {
    return replace(lock(caller, id), request, ifMatch, "replace");
  }

  /** Applies a JSON merge patch to what the client can write, then replaces with the result. */
  @Transactional
  public ScheduleRow patch(Caller caller, UUID id, String patchBody, String ifMatch) {
    ScheduleRow current = lockMatching(caller, id, ifMatch);
    ScheduleDto patched;
    try {
      JsonNode patch = json.readTree(patchBody == null ? "" : patchBody);
      if (patch == null || patch.isMissingNode() || !patch.isObject()) {
        throw ProblemException.badRequest("body", "must be a JSON object (a JSON merge patch)");
      }
      JsonNode base = json.valueToTree(ScheduleMapper.writable(current));
      patched = json.treeToValue(MergePatch.apply(base, patch), ScheduleDto.class);
    } catch (JsonProcessingException e) {
      throw new InvalidPatchException(e);
    }
    return replace(current, patched, null, "patch");
  }

  @Transactional
  public void delete(Caller caller, UUID id, String ifMatch) {
    ScheduleRow current = lockMatching(caller, id, ifMatch);
    schedules.delete(caller.tenantId(), id);
    announce(current, null);
    audit.record("delete", RESOURCE, id.toString(), List.of());
  }

  @Transactional
  public void deleteByName(Caller caller, String name, String ifMatch) {
    ScheduleRow current =
        schedules
            .lock(caller.tenantId(), ScheduleKey.byName(name))
            .orElseThrow(() -> ProblemException.notFound("no schedule named '" + name + "'"));
    Preconditions.checkIfMatch(ifMatch, current.version());
    schedules.delete(caller.tenantId(), current.id());
    announce(current, null);
    audit.record("delete", RESOURCE, current.id().toString(), List.of());
  }

  /**
   * A user's state change (pause, resume, trigger now, re-arm), as the state machine allows it in
   * the schedule's state: written as a new version, or nothing when it changes nothing (pausing a
   * paused schedule), or a 409 that says why not.
   */
  @Transactional
  public ScheduleRow change(Caller caller, UUID id, String ifMatch, TriggerEvent event) {
    ScheduleRow current = lockMatching(caller, id, ifMatch);
    Instant now = now();
    Transition t =
        TriggerStateMachine.next(storedRules(current), current.trigger(), event, now, random);
    if (t instanceof Transition.Refused refused) {
      throw ProblemException.conflict(refused.reason());
    }
    if (t instanceof Transition.Unchanged) {
      return current;
    }
    ScheduleRow updated = current.moved(((Transition.Moved) t).to(), now);
    save(current, updated);
    audit.record(event.verb(), RESOURCE, id.toString(), List.of("state"));
    return updated;
  }

  // ---------------------------------------------------------------------------------------------

  private ScheduleRow replace(
      ScheduleRow current, ScheduleDto request, String ifMatch, String action) {
    Preconditions.checkIfMatch(ifMatch, current.version());
    Instant now = now();
    ScheduleSpec currentSpec = storedSpecOrNull(current);
    ScheduleDefinition definition = valid(validator.validate(request, now, currentSpec, ""));
    checkTyped(current.tenantId(), List.of(new TypedBodies.Written("", definition.target())));
    SpecColumns spec = SpecColumns.of(definition.spec(), definition.window());
    TriggerEvent event =
        spec.equals(current.spec()) ? TriggerEvent.UPDATE_SAME_SPEC : TriggerEvent.UPDATE_NEW_SPEC;
    TriggerState trigger = moved(rules(definition, current.id()), current.trigger(), event, now);
    ScheduleRow updated =
        new ScheduleRow(
            current.id(),
            current.tenantId(),
            definition.name(),
            definition.description(),
            definition.labels(),
            spec,
            definition.target(),
            definition.retry(),
            definition.priority(),
            trigger.state(),
            trigger.pending(),
            current.lastRun(),
            current.version() + 1,
            current.createdAt(),
            now);
    ScheduleQuotas.Admitted admitted =
        quotas.admit(current.tenantId(), List.of(new ScheduleQuotas.Change(current, updated)));
    save(current, updated);
    quotas.written(admitted);
    audit.record(action, RESOURCE, current.id().toString(), changes(current, updated));
    return updated;
  }

  /** How the audit log names schedules. */
  private static final String RESOURCE = "schedule";

  /** The names of the fields a write changed, as a client writes them. */
  private List<String> changes(ScheduleRow before, ScheduleRow after) {
    return Changes.between(
        before == null ? null : json.valueToTree(ScheduleMapper.writable(before)),
        json.valueToTree(ScheduleMapper.writable(after)),
        NESTED);
  }

  /** A transition that is allowed in every state (create, update). */
  private TriggerState moved(
      TriggerRules rules, TriggerState current, TriggerEvent event, Instant now) {
    Transition t = TriggerStateMachine.next(rules, current, event, now, random);
    if (t instanceof Transition.Moved moved) {
      return moved.to();
    }
    throw new IllegalStateException(event + " from " + current + " gave " + t);
  }

  private void save(ScheduleRow current, ScheduleRow row) {
    try {
      if (!schedules.update(row, current.version())) {
        // The row is locked by this transaction, so only a concurrent delete can get here.
        throw notFound(row.id());
      }
    } catch (StorageException e) {
      throw nameTaken(e, row.name(), "");
    }
    announce(current, row);
  }

  /** How far ahead a newly armed trigger is announced to executors (they claim 2 s ahead). */
  private static final Duration ANNOUNCE_AHEAD = Duration.ofMinutes(1);

  /**
   * Tells executors, when this transaction commits, of a lease this write took away (its holder
   * cancels the old trigger if it has not sent it yet) and of a trigger it armed that is due soon
   * (they claim it at once instead of at their next poll).
   */
  private void announce(ScheduleRow before, ScheduleRow after) {
    PendingTrigger old = before == null ? PendingTrigger.none() : before.pending();
    PendingTrigger now = after == null ? PendingTrigger.none() : after.pending();
    boolean leaseTaken = old.leaseToken() != null && !old.leaseToken().equals(now.leaseToken());
    boolean armedSoon =
        now.nextFireAt() != null
            && !now.equals(old)
            && now.leaseToken() == null
            && now.nextFireAt().isBefore(clock.instant().plus(ANNOUNCE_AHEAD));
    if (leaseTaken || armedSoon) {
      changes.announce(
          new TriggerChanges.Change(
              leaseTaken ? old.leaseOwner() : null,
              leaseTaken ? old.leaseToken() : null,
              armedSoon ? now.nextFireAt() : null));
    }
  }

  private void insert(List<ScheduleRow> rows, List<String> prefixes) {
    Set<String> taken =
        schedules.existingNames(
            rows.get(0).tenantId(),
            rows.stream().map(ScheduleRow::name).filter(n -> n != null).toList());
    List<FieldError> conflicts = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).name() != null && taken.contains(rows.get(i).name())) {
        conflicts.add(nameError(prefixes.get(i), rows.get(i).name()));
      }
    }
    if (!conflicts.isEmpty()) {
      throw ProblemException.conflict(
          "a schedule name must be unique; see errors (use PUT /schedules/by-name/{name} to"
              + " create or replace by name)",
          conflicts);
    }
    ScheduleQuotas.Admitted admitted =
        quotas.admit(
            rows.get(0).tenantId(),
            rows.stream().map(r -> new ScheduleQuotas.Change(null, r)).toList());
    try {
      schedules.insert(rows);
    } catch (StorageException e) {
      // A concurrent request took a name between the check and the insert.
      throw nameTaken(e, null, "");
    }
    quotas.written(admitted);
    rows.stream()
        .filter(r -> r.pending().nextFireAt() != null)
        .min(Comparator.comparing(r -> r.pending().nextFireAt()))
        .ifPresent(earliest -> announce(null, earliest));
  }

  private static RuntimeException nameTaken(StorageException e, String name, String prefix) {
    if (!e.isUniqueViolation(NAME_CONSTRAINT)) {
      return e;
    }
    return ProblemException.conflict(
        "a schedule name must be unique",
        List.of(
            name == null
                ? new FieldError(prefix + "name", "is already used by another schedule")
                : nameError(prefix, name)));
  }

  private static FieldError nameError(String prefix, String name) {
    return new FieldError(prefix + "name", "'" + name + "' is already used by another schedule");
  }

  /** Locks the caller's schedule and checks the caller's {@code If-Match} against it. */
  private ScheduleRow lockMatching(Caller caller, UUID id, String ifMatch) {
    ScheduleRow current = lock(caller, id);
    Preconditions.checkIfMatch(ifMatch, current.version());
    return current;
  }

  private ScheduleRow lock(Caller caller, UUID id) {
    return schedules.lock(caller.tenantId(), ScheduleKey.byId(id)).orElseThrow(() -> notFound(id));
  }

  private ScheduleRow newRow(UUID id, UUID tenantId, ScheduleDefinition definition, Instant now) {
    TriggerState plan = moved(rules(definition, id), null, TriggerEvent.CREATE, now);
    return new ScheduleRow(
        id,
        tenantId,
        definition.name(),
        definition.description(),
        definition.labels(),
        SpecColumns.of(definition.spec(), definition.window()),
        definition.target(),
        definition.retry(),
        definition.priority(),
        plan.state(),
        plan.pending(),
        null,
        1,
        now,
        now);
  }

  /** How the trigger of schedule {@code id} moves under {@code definition}. */
  private static TriggerRules rules(ScheduleDefinition definition, UUID id) {
    return TriggerRules.of(definition.spec(), definition.retry())
        .within(Window.of(definition.window(), id));
  }

  /** The stored spec and retry policy; a spec that no longer parses is the rules' defect. */
  private static TriggerRules storedRules(ScheduleRow row) {
    try {
      return TriggerRules.of(row.spec().toSpec(), row.retry())
          .within(Window.of(row.spec().window(), row.id()));
    } catch (InvalidSpecException e) {
      return TriggerRules.defective(e.getMessage(), row.retry());
    }
  }

  /** The stored spec; one that no longer parses has no fire times until it is replaced. */
  static ScheduleSpec storedSpec(ScheduleRow row) {
    try {
      return row.spec().toSpec();
    } catch (InvalidSpecException e) {
      throw ProblemException.conflict(
          "the stored schedule no longer parses ("
              + e.getMessage()
              + "); replace it with PUT to fix it");
    }
  }

  private static ScheduleSpec storedSpecOrNull(ScheduleRow row) {
    try {
      return row.spec().toSpec();
    } catch (InvalidSpecException e) {
      return null;
    }
  }

  private static ScheduleDto withName(ScheduleDto request, String name) {
    if (request == null) {
      return null;
    }
    return ScheduleDto.request(
        name,
        request.description(),
        request.labels(),
        request.schedule(),
        request.target(),
        request.retry(),
        request.priority());
  }

  private void checkTyped(UUID tenantId, List<TypedBodies.Written> writes) {
    List<FieldError> errors = typedBodies.problems(tenantId, writes);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
  }

  private static <T> T valid(Validation<T> validation) {
    if (!validation.isValid()) {
      throw ProblemException.invalid(validation.errors());
    }
    return validation.get();
  }

  private static ProblemException notFound(UUID id) {
    return ProblemException.notFound("no schedule with id '" + id + "'");
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
