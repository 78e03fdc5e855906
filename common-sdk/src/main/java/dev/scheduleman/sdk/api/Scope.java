package dev.scheduleman.sdk.api;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an API key may do. A key has a set of scopes; every endpoint needs one (listed in the API
 * reference). A key can only create keys with scopes it has itself, so a leaked key cannot mint a
 * stronger one, and a key without {@link #KEYS_MANAGE} cannot mint or revoke keys at all.
 */
public enum Scope {
  /** Read schedules, their next fire times and previews, task types and flow limits. */
  SCHEDULES_READ("schedules:read"),
  /** Create, change, pause, resume, trigger and delete schedules; declare task types. */
  SCHEDULES_WRITE("schedules:write"),
  /** Read executions, dead letters and statistics. */
  HISTORY_READ("history:read"),
  /** Create, list and revoke the tenant's API keys (only with scopes the key has). */
  KEYS_MANAGE("keys:manage"),
  /** Read the webhook signing secrets. */
  SECRETS_READ("secrets:read"),
  /** Rotate the webhook signing secret. */
  SECRETS_ROTATE("secrets:rotate"),
  /** Set and remove flow limits. */
  LIMITS_MANAGE("limits:manage"),
  /** Read the tenant's audit log. */
  AUDIT_READ("audit:read");

  private final String wire;

  Scope(String wire) {
    this.wire = wire;
  }

  /** The name in requests, answers and the database. */
  public String wire() {
    return wire;
  }

  @Override
  public String toString() {
    return wire;
  }

  public static Optional<Scope> parse(String name) {
    return Arrays.stream(values()).filter(s -> s.wire.equals(name)).findFirst();
  }

  /** Every scope's name, in declaration order. */
  public static List<String> names() {
    return names(Arrays.asList(values()));
  }

  /** These scopes' names, in declaration order. */
  public static List<String> names(Collection<Scope> scopes) {
    return scopes.stream().sorted().distinct().map(Scope::wire).toList();
  }

  /** The scopes of these names; a name this version does not know grants nothing. */
  public static Set<Scope> known(Collection<String> names) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    names.forEach(n -> parse(n).ifPresent(scopes::add));
    return scopes;
  }
}
