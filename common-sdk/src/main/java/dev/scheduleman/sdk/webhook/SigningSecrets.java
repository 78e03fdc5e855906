package dev.scheduleman.sdk.webhook;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;

/** Signing secrets in the Standard Webhooks form {@code whsec_<base64 of 32 random bytes>}. */
public final class SigningSecrets {

  public static final String PREFIX = "whsec_";

  private static final SecureRandom RANDOM = new SecureRandom();

  private SigningSecrets() {}

  public static String generate() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** True when {@code secret} has the prefix and a base64 key of at least 24 bytes. */
  public static boolean isWellFormed(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(secret.substring(PREFIX.length())).length >= 24;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The HMAC-SHA256 key of a secret (its base64 part, decoded), refusing a malformed one. */
  static SecretKeySpec hmacKey(String secret) {
    if (!isWellFormed(secret)) {
      throw new IllegalArgumentException("not a whsec_ signing secret");
    }
    return new SecretKeySpec(
        Base64.getDecoder().decode(secret.substring(PREFIX.length())), HMAC_SHA256);
  }

  static final String HMAC_SHA256 = "HmacSHA256";

  /** The Standard Webhooks key for a secret, refusing anything that is not well formed. */
  static Webhook key(String secret) {
    if (!isWellFormed(secret)) {
      throw new IllegalArgumentException("not a whsec_ signing secret");
    }
    try {
      return new Webhook(secret);
    } catch (EmptyWebhookSecretException e) {
      throw new IllegalArgumentException("empty signing secret", e);
    }
  }
}
