package dev.scheduleman.api.http;

import dev.scheduleman.api.problem.ProblemException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Optimistic concurrency over HTTP: a schedule's ETag is its version ({@code "7"}), which changes
 * with every write a user makes (not with the executors' bookkeeping of its trigger), and a write
 * with {@code If-Match} applies only to the version it names.
 */
public final class Preconditions {

  private static final Pattern ENTITY_TAG = Pattern.compile("\\s*(W/)?\"([^\"]*)\"\\s*");

  private Preconditions() {}

  public static String etag(long version) {
    return "\"" + version + "\"";
  }

  /**
   * Checks an If-Match header (null: no condition) against the current version.
   *
   * @throws ProblemException 400 when the header is malformed, 412 when no tag matches
   */
  public static void checkIfMatch(String ifMatch, long currentVersion) {
    if (ifMatch == null) {
      return;
    }
    if (ifMatch.trim().equals("*")) {
      return;
    }
    boolean matched = false;
    for (String candidate : ifMatch.split(",")) {
      Matcher m = ENTITY_TAG.matcher(candidate);
      if (!m.matches()) {
        throw ProblemException.badRequest(
            "If-Match",
            "must be an entity tag in quotes, as the ETag header gave it (e.g. \"3\"), or *");
      }
      // If-Match compares strongly: a weak tag never matches.
      if (m.group(1) == null && m.group(2).equals(Long.toString(currentVersion))) {
        matched = true;
      }
    }
    if (!matched) {
      throw ProblemException.preconditionFailed(
          "the schedule has changed since it was read (now at version "
              + currentVersion
              + "); read it again and retry");
    }
  }
}
