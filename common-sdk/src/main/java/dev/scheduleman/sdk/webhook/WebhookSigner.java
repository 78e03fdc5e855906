package dev.scheduleman.sdk.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook requests with a tenant's secrets, in the Standard Webhooks form: {@code v1,} and
 * the base64 HMAC-SHA256 of {@code id.timestamp.body}. While a rotated secret is still in its grace
 * period both signatures are sent, so receivers can switch secrets at their own pace.
 *
 * <p>Instances are thread-safe; keep one per set of secrets. Each thread signs with keyed {@link
 * Mac}s of its own, made once and reset by every signature: the Standard Webhooks library (which
 * verifies, see {@link WebhookVerifier}) looks up and keys a new {@code Mac} for every signature,
 * which at thousands of requests a second is a visible share of a sender's CPU.
 */
public final class WebhookSigner {

  private static final Base64.Encoder BASE64 = Base64.getEncoder();

  private final List<SecretKeySpec> keys;
  private final ThreadLocal<Mac[]> macs = ThreadLocal.withInitial(this::keyedMacs);

  /**
   * @param secrets the current secret first, then any older ones still accepted
   */
  public WebhookSigner(List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one signing secret is needed");
    }
    this.keys = secrets.stream().map(SigningSecrets::hmacKey).toList();
  }

  private Mac[] keyedMacs() {
    Mac[] keyed = new Mac[keys.size()];
    try {
      for (int i = 0; i < keyed.length; i++) {
        keyed[i] = Mac.getInstance(SigningSecrets.HMAC_SHA256);
        keyed[i].init(keys.get(i));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
    return keyed;
  }

  /**
   * The {@code webhook-signature} header value for one attempt.
   *
   * @param timestampSeconds the value sent in {@code webhook-timestamp}
   * @param body the exact request body; empty for a request without one
   */
  public String sign(String messageId, long timestampSeconds, String body) {
    byte[] content =
        (messageId + '.' + timestampSeconds + '.' + body).getBytes(StandardCharsets.UTF_8);
    StringBuilder header = new StringBuilder(48 * keys.size());
    for (Mac mac : macs.get()) {
      if (!header.isEmpty()) {
        header.append(' ');
      }
      header.append("v1,").append(BASE64.encodeToString(mac.doFinal(content)));
    }
    return header.toString();
  }
}
