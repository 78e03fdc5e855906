package dev.scheduleman.quarkus.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The relay's statements on the outbox. Taking rows is one statement that locks what it returns and
 * skips what another instance holds ({@code FOR UPDATE SKIP LOCKED}), so instances relay together
 * and none sends a row another is sending; a row is taken only when no earlier pending row is about
 * the same schedule (held by another instance, or waiting for its backoff), so calls about one
 * schedule reach the API in the order they were made.
 */
@ApplicationScoped
public class Outbox {

  private final EntityManager em;

  public Outbox(EntityManager em) {
    this.em = em;
  }

  /** Parameters: now, batch size. */
  static final String TAKE_DUE =
      """
      SELECT o.* FROM scheduleman_outbox o
       WHERE o.state = 'PENDING' AND o.next_attempt_at <= :now
         AND NOT EXISTS (SELECT 1 FROM scheduleman_outbox e
                          WHERE e.state = 'PENDING' AND e.schedule_ref = o.schedule_ref
                            AND e.seq < o.seq)
       ORDER BY o.seq
       LIMIT :batch
         FOR UPDATE OF o SKIP LOCKED
      """;

  /** Due rows, locked until the caller's transaction ends, in the order they were written. */
  @SuppressWarnings("unchecked")
  public List<OutboxEntry> takeDue(Instant now, int batch) {
    return em.createNativeQuery(TAKE_DUE, OutboxEntry.class)
        .setParameter("now", Timestamp.from(now))
        .setParameter("batch", batch)
        .getResultList();
  }

  /** The outbox at a glance: what waits, since when, and what failed. */
  public record Depth(long pending, Instant oldestPending, long failed) {}

  static final String DEPTH =
      """
      SELECT count(*) FILTER (WHERE state = 'PENDING'),
             min(created_at) FILTER (WHERE state = 'PENDING'),
             count(*) FILTER (WHERE state = 'FAILED')
        FROM scheduleman_outbox WHERE state <> 'SENT'
      """;

  public Depth depth() {
    Object[] row = (Object[]) em.createNativeQuery(DEPTH).getSingleResult();
    return new Depth(((Number) row[0]).longValue(), instant(row[1]), ((Number) row[2]).longValue());
  }

  /**
   * Parameters: the oldest sent_at kept. At most 10,000 a call, so no call holds locks long. The
   * create of an unnamed schedule is kept: its row maps the schedule's reference to its id, for a
   * cancel that may come at any time.
   */
  static final String FORGET_SENT =
      """
      DELETE FROM scheduleman_outbox WHERE id IN (
        SELECT id FROM scheduleman_outbox
         WHERE state = 'SENT' AND sent_at < :before
           AND NOT (operation = 'CREATE' AND schedule_ref = 'outbox:' || id)
         LIMIT 10000)
      """;

  public int forgetSent(Instant now, Duration retention) {
    return em.createNativeQuery(FORGET_SENT)
        .setParameter("before", Timestamp.from(now.minus(retention)))
        .executeUpdate();
  }

  private static Instant instant(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Instant i) {
      return i;
    }
    if (value instanceof Timestamp t) {
      return t.toInstant();
    }
    if (value instanceof java.time.OffsetDateTime o) {
      return o.toInstant();
    }
    throw new IllegalStateException("not a timestamp: " + value.getClass());
  }
}
