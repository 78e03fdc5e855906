package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The secret webhooks are signed with. After a rotation the previous secret keeps signing, beside
 * the new one, until {@code previousExpiresAt}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SigningSecretDto(String secret, String previousSecret, Instant previousExpiresAt) {}
