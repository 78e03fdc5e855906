package dev.scheduleman.api.auth;

import dev.scheduleman.sdk.api.Scope;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling: the tenant every read and write is confined to, what the key may do, and whether
 * the caller may manage tenants (only the bootstrap admin key may; it has every scope).
 *
 * @param keyId the API key used, or null for the bootstrap key
 * @param keyName the API key's name, or null for the bootstrap key
 */
public record Caller(UUID tenantId, UUID keyId, String keyName, Set<Scope> scopes, boolean admin) {

  public Caller {
    scopes = Set.copyOf(scopes);
  }

  /** The bootstrap admin key of the default tenant. */
  static Caller admin(UUID tenantId) {
    return new Caller(tenantId, null, null, EnumSet.allOf(Scope.class), true);
  }

  public boolean has(Scope scope) {
    return scopes.contains(scope);
  }

  /** The first of {@code wanted} (in declaration order) this caller lacks, if any. */
  public java.util.Optional<Scope> firstMissing(Set<Scope> wanted) {
    return wanted.stream().sorted().filter(s -> !has(s)).findFirst();
  }
}
