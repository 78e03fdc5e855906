package dev.scheduleman.storage.tenant;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * A tenant and its webhook signing secrets.
 *
 * @param signingSecret the secret every webhook is signed with
 * @param retiredSecrets secrets rotated out, each still signing (beside the current one) until its
 *     own expiry; expired ones may linger until the next rotation prunes them
 */
public record TenantRow(
    UUID id,
    String name,
    String signingSecret,
    List<RetiredSecret> retiredSecrets,
    Instant createdAt) {

  /** A secret rotated out, and when it stops signing. */
  public record RetiredSecret(String secret, Instant expiresAt) {}

  public TenantRow {
    retiredSecrets = List.copyOf(retiredSecrets);
  }

  /** A tenant with one secret and none retired. */
  public TenantRow(UUID id, String name, String signingSecret, Instant createdAt) {
    this(id, name, signingSecret, List.of(), createdAt);
  }

  /** The retired secrets that still sign at {@code now}, the one that lasts longest first. */
  public List<RetiredSecret> activeRetired(Instant now) {
    return retiredSecrets.stream()
        .filter(r -> r.expiresAt().isAfter(now))
        .sorted(Comparator.comparing(RetiredSecret::expiresAt).reversed())
        .toList();
  }
}
