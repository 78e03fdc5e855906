package dev.scheduleman.api.tasks;

import dev.scheduleman.sdk.api.Problem.FieldError;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.storage.tasktype.TaskTypeRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Checks the bodies of schedules being written against their task types' schemas, inside the
 * write's transaction (the schemas are read in share mode, so a schema change waits for it).
 */
@ApplicationScoped
public class TypedBodies {

  /** A schedule being written: its target, and the prefix of its fields in the request. */
  public record Written(String prefix, Target target) {}

  private final TaskTypeRepository types;
  private final TaskSchemas schemas;

  public TypedBodies(TaskTypeRepository types, TaskSchemas schemas) {
    this.types = types;
    this.schemas = schemas;
  }

  /** The problems of every typed target of the tenant's writes; none for untyped ones. */
  public List<FieldError> problems(UUID tenantId, List<Written> writes) {
    Set<String> names = new LinkedHashSet<>();
    for (Written w : writes) {
      if (w.target().taskType() != null) {
        names.add(w.target().taskType());
      }
    }
    List<FieldError> errors = new ArrayList<>();
    if (names.isEmpty()) {
      return errors;
    }
    Map<String, String> declared = types.shareSchemas(tenantId, names);
    for (Written w : writes) {
      String type = w.target().taskType();
      if (type == null) {
        continue;
      }
      String schema = declared.get(type);
      if (schema == null) {
        errors.add(
            new FieldError(
                w.prefix() + "target.taskType",
                "no task type named '"
                    + type
                    + "'; declare it with PUT /api/v1/task-types/"
                    + type));
      } else {
        errors.addAll(
            schemas.bodyProblems(schema, type, w.target().body(), w.prefix() + "target.body"));
      }
    }
    return errors;
  }
}
