package dev.scheduleman.api.http;

import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.storage.execution.ExecutionRepository.Position;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Opaque pagination cursors: the position of the last item of a page, base64url-encoded with a kind
 * tag, so a cursor of one list cannot be fed to another and clients do not build them by hand.
 */
public final class Cursors {

  private Cursors() {}

  public static String ofId(UUID id) {
    return encode("s:" + id);
  }

  /** The id a schedule cursor points after, or null for no cursor. */
  public static UUID toId(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    String text = decode(cursor);
    try {
      if (text.startsWith("s:")) {
        return UUID.fromString(text.substring(2));
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw invalid();
  }

  public static String ofPosition(Position position) {
    return encode("e:" + position.firedAt().toEpochMilli() + ":" + position.id());
  }

  /** The position an execution cursor points after, or null for no cursor. */
  public static Position toPosition(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    String[] parts = decode(cursor).split(":");
    try {
      if (parts.length == 3 && parts[0].equals("e")) {
        return new Position(
            Instant.ofEpochMilli(Long.parseLong(parts[1])), Long.parseLong(parts[2]));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid();
  }

  public static String ofAuditId(long id) {
    return encode("a:" + id);
  }

  /** The audit event id a cursor points before, or null for no cursor. */
  public static Long toAuditId(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    String text = decode(cursor);
    try {
      if (text.startsWith("a:")) {
        return Long.parseLong(text.substring(2));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid();
  }

  private static String encode(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
  }

  private static ProblemException invalid() {
    return ProblemException.badRequest(
        "cursor", "is not a cursor of this list; pass the nextCursor of the previous page");
  }
}
