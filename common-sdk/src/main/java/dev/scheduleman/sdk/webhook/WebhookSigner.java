package dev.scheduleman.sdk.webhook;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.util.List;

/**
 * Signs webhook requests with a tenant's secrets. While a rotated secret is still in its grace
 * period both signatures are sent, so receivers can switch secrets at their own pace. Instances are
 * immutable and thread-safe; keep one per set of secrets.
 */
public final class WebhookSigner {

  private final List<Webhook> keys;

  /**
   * @param secrets the current secret first, then any older ones still accepted
   */
  public WebhookSigner(List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one signing secret is needed");
    }
    this.keys = secrets.stream().map(SigningSecrets::key).toList();
  }

  /**
   * The {@code webhook-signature} header value for one attempt.
   *
   * @param timestampSeconds the value sent in {@code webhook-timestamp}
   * @param body the exact request body; empty for a request without one
   */
  public String sign(String messageId, long timestampSeconds, String body) {
    StringBuilder header = new StringBuilder();
    for (Webhook key : keys) {
      if (!header.isEmpty()) {
        header.append(' ');
      }
      try {
        header.append(key.sign(messageId, timestampSeconds, body));
      } catch (WebhookSigningException e) {
        throw new IllegalStateException("HMAC-SHA256 is not available", e);
      }
    }
    return header.toString();
  }
}
