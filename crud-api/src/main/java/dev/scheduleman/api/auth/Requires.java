package dev.scheduleman.api.auth;

import dev.scheduleman.sdk.api.Scope;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The scope an endpoint needs. Every {@code /api/v1} resource method says what it needs, either
 * here or with {@link AnyKey} or {@link AdminOnly}; a method that says nothing is refused to every
 * key (and the architecture test fails).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Requires {
  Scope value();

  /** Any valid key may call it (it shows the caller only what concerns the key itself). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface AnyKey {}

  /** Only the bootstrap admin key may call it. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface AdminOnly {}
}
