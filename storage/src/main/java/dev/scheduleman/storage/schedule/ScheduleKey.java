package dev.scheduleman.storage.schedule;

import java.util.Objects;
import java.util.UUID;

/** How a schedule is looked up within its tenant: by id, or by its unique name. */
public record ScheduleKey(UUID id, String name) {

  public ScheduleKey {
    if ((id == null) == (name == null)) {
      throw new IllegalArgumentException("a schedule is looked up by id or by name");
    }
  }

  public static ScheduleKey byId(UUID id) {
    return new ScheduleKey(Objects.requireNonNull(id, "id"), null);
  }

  public static ScheduleKey byName(String name) {
    return new ScheduleKey(null, Objects.requireNonNull(name, "name"));
  }

  @Override
  public String toString() {
    return id != null ? "id '" + id + "'" : "name '" + name + "'";
  }
}
