package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The secrets webhooks are signed with. After a rotation the secret rotated out keeps signing,
 * beside the new one, until its own expiry, and so does every one rotated out before it: a webhook
 * carries one signature per active secret, so a receiver that knows any of them accepts it.
 *
 * @param secret the current secret (new receivers should use this one)
 * @param previousSecret the most recently rotated-out secret still signing, or absent
 * @param previousExpiresAt when it stops signing
 * @param active every secret that signs now: the current one first (no expiry), then the rotated
 *     ones, the longest-lasting first
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SigningSecretDto(
    String secret, String previousSecret, Instant previousExpiresAt, List<Active> active) {

  /** A secret that signs now, and when it stops (null for the current one). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Active(String secret, Instant expiresAt) {}

  /**
   * The body of {@code POST /signing-secret/rotate}, optional.
   *
   * @param overlap how long the secret rotated out keeps signing, {@code 0s} to 30 days; absent:
   *     the server's default (24 h). {@code 0s} stops it at once, for a secret that leaked.
   */
  public record Rotate(String overlap) {}
}
