package dev.scheduleman.sdk.webhook;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies a received webhook the way a receiver should: the signature must match the body, id and
 * timestamp, and the timestamp must be within five minutes of the receiver's clock (replay
 * protection, as Standard Webhooks specifies).
 */
public final class WebhookVerifier {

  private final Webhook key;

  public WebhookVerifier(String secret) {
    this.key = SigningSecrets.key(secret);
  }

  /**
   * @param headers request headers; names are matched case-insensitively
   * @return empty when the request is authentic, else the reason it is not
   */
  public Optional<String> verify(Map<String, List<String>> headers, String body) {
    Map<String, List<String>> lowerCased = new HashMap<>();
    headers.forEach((name, values) -> lowerCased.put(name.toLowerCase(Locale.ROOT), values));
    try {
      key.verify(body == null ? "" : body, lowerCased);
      return Optional.empty();
    } catch (WebhookVerificationException e) {
      return Optional.of(e.getMessage());
    }
  }
}
