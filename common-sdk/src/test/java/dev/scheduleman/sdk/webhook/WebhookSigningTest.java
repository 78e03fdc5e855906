package dev.scheduleman.sdk.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSigningTest {

  private static final String ID = "0190c0de-0000-7000-8000-000000000001";
  private static final String BODY = "{\"kind\":\"nightly\"}";

  private final String secret = SigningSecrets.generate();

  private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
    return Map.of(
        "Webhook-Id", List.of(id),
        "Webhook-Timestamp", List.of(Long.toString(timestamp)),
        "Webhook-Signature", List.of(signature));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  @Test
  void generatedSecretsAreWellFormedAndDistinct() {
    assertThat(SigningSecrets.isWellFormed(secret)).isTrue();
    assertThat(secret).startsWith("whsec_").isNotEqualTo(SigningSecrets.generate());
    assertThat(SigningSecrets.isWellFormed("whsec_short")).isFalse();
    assertThat(SigningSecrets.isWellFormed("sk_abc")).isFalse();
  }

  @Test
  void signatureIsTheStandardWebhooksHmacOfIdTimestampAndBody() throws Exception {
    long timestamp = 1_795_000_000L;
    String signature = new WebhookSigner(List.of(secret)).sign(ID, timestamp, BODY);

    Mac mac = Mac.getInstance("HmacSHA256");
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] expected =
        mac.doFinal((ID + "." + timestamp + "." + BODY).getBytes(StandardCharsets.UTF_8));
    assertThat(signature).isEqualTo("v1," + Base64.getEncoder().encodeToString(expected));
  }

  @Test
  void receiverVerifiesWhatTheSenderSigned() {
    long timestamp = now();
    String signature = new WebhookSigner(List.of(secret)).sign(ID, timestamp, BODY);
    assertThat(new WebhookVerifier(secret).verify(headers(ID, timestamp, signature), BODY))
        .isEmpty();
  }

  @Test
  void tamperedBodyIdOrTimestampFailsVerification() {
    long timestamp = now();
    String signature = new WebhookSigner(List.of(secret)).sign(ID, timestamp, BODY);
    WebhookVerifier verifier = new WebhookVerifier(secret);
    assertThat(verifier.verify(headers(ID, timestamp, signature), BODY + " ")).isPresent();
    assertThat(verifier.verify(headers(ID + "x", timestamp, signature), BODY)).isPresent();
    assertThat(verifier.verify(headers(ID, timestamp + 1, signature), BODY)).isPresent();
  }

  @Test
  void anotherTenantsSecretDoesNotVerify() {
    long timestamp = now();
    String signature = new WebhookSigner(List.of(secret)).sign(ID, timestamp, BODY);
    assertThat(
            new WebhookVerifier(SigningSecrets.generate())
                .verify(headers(ID, timestamp, signature), BODY))
        .contains("No matching signature found");
  }

  @Test
  void staleTimestampIsRejectedAsAReplay() {
    long anHourAgo = now() - 3600;
    String signature = new WebhookSigner(List.of(secret)).sign(ID, anHourAgo, BODY);
    assertThat(new WebhookVerifier(secret).verify(headers(ID, anHourAgo, signature), BODY))
        .contains("Message timestamp too old");
  }

  @Test
  void duringRotationBothTheNewAndTheOldSecretVerify() {
    String previous = SigningSecrets.generate();
    long timestamp = now();
    String signature = new WebhookSigner(List.of(secret, previous)).sign(ID, timestamp, BODY);

    assertThat(signature.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
    assertThat(new WebhookVerifier(secret).verify(headers(ID, timestamp, signature), BODY))
        .isEmpty();
    assertThat(new WebhookVerifier(previous).verify(headers(ID, timestamp, signature), BODY))
        .isEmpty();
  }

  @Test
  void requestWithoutBodySignsTheEmptyString() {
    long timestamp = now();
    String signature = new WebhookSigner(List.of(secret)).sign(ID, timestamp, "");
    assertThat(new WebhookVerifier(secret).verify(headers(ID, timestamp, signature), null))
        .isEmpty();
  }

  @Test
  void malformedSecretsAreRefused() {
    assertThatThrownBy(() -> new WebhookSigner(List.of("nope")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WebhookSigner(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WebhookVerifier("whsec_"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reservedHeaderNamesAreCaseInsensitive() {
    assertThat(WebhookHeaders.isReserved("Webhook-Signature")).isTrue();
    assertThat(WebhookHeaders.isReserved("scheduleman-attempt")).isTrue();
    assertThat(WebhookHeaders.isReserved("HOST")).isTrue();
    assertThat(WebhookHeaders.isReserved("Authorization")).isFalse();
  }

  @Test
  void signsExactlyAsTheStandardWebhooksLibraryDoesOnEveryThread() throws Exception {
    Webhook reference = new Webhook(secret);
    WebhookSigner signer = new WebhookSigner(List.of(secret));
    List<String> bodies = List.of("", BODY, "ünïcödé ✓ \u0000", "x".repeat(70_000));
    for (String body : bodies) {
      assertThat(signer.sign(ID, 1_795_000_000L, body))
          .isEqualTo(reference.sign(ID, 1_795_000_000L, body));
    }
    // Each thread keeps keyed MACs of its own; a signature never leaks state into the next one.
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> signed = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String body = bodies.get(i % bodies.size());
        long timestamp = 1_795_000_000L + i;
        signed.add(
            pool.submit(
                () ->
                    signer.sign(ID, timestamp, body).equals(reference.sign(ID, timestamp, body))
                        ? "same"
                        : "different"));
      }
      for (Future<String> f : signed) {
        assertThat(f.get()).isEqualTo("same");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
