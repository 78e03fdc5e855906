package dev.scheduleman.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of API keys: {@code sk_<prefix>_<secret>}. The prefix (12 characters) finds the stored
 * row and is shown in lists; the whole key is stored only as its SHA-256, which is enough for a key
 * with 192 random bits (no slow hash is needed: nobody can guess such a key from its hash).
 */
public final class ApiKeys {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern SHAPE = Pattern.compile("sk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{32})");
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private ApiKeys() {}

  /** A new key, with its prefix and hash. */
  public record NewKey(String key, String prefix, byte[] hash) {}

  public static NewKey generate() {
    StringBuilder prefix = new StringBuilder(12);
    for (int i = 0; i < 12; i++) {
      prefix.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
    }
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    String key =
        "sk_" + prefix + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new NewKey(key, prefix.toString(), hash(key));
  }

  /** The prefix of a well-formed key, or empty for anything that is not one. */
  public static Optional<String> prefixOf(String key) {
    Matcher m = SHAPE.matcher(key);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  public static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Compares in time independent of where the inputs differ. */
  public static boolean matches(String key, byte[] storedHash) {
    return MessageDigest.isEqual(hash(key), storedHash);
  }
}
