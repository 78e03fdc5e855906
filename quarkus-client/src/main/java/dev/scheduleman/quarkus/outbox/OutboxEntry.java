package dev.scheduleman.quarkus.outbox;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One call of {@code Scheduleman}, waiting in the application's database to be relayed. */
@Entity
@Table(name = "scheduleman_outbox")
public class OutboxEntry extends PanacheEntityBase {

  /** What the row asks of the API. */
  public enum Operation {
    /** {@code POST /schedules} with the row's id as {@code Idempotency-Key}. */
    CREATE,
    /** {@code PUT /schedules/by-name/{name}}: create or replace. */
    PUT,
    /** Delete by name, by id, or the schedule an earlier unnamed create made. */
    DELETE
  }

  public enum State {
    PENDING,
    SENT,
    /** The API refused it for good (its problem is in {@link #lastError}); never sent again. */
    FAILED
  }

  @Id public UUID id;

  /** Set by the database; the order rows of one reference are sent in. */
  @Column(insertable = false, updatable = false)
  public Long seq;

  @Enumerated(EnumType.STRING)
  public Operation operation;

  @Column(name = "schedule_ref")
  public String scheduleRef;

  /** The schedule, as the API's JSON; null for a delete. */
  @JdbcTypeCode(SqlTypes.JSON)
  public String payload;

  @Enumerated(EnumType.STRING)
  public State state;

  public int attempts;

  @Column(name = "next_attempt_at")
  public Instant nextAttemptAt;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "sent_at")
  public Instant sentAt;

  @Column(name = "schedule_id")
  public UUID scheduleId;

  @Column(name = "http_status")
  public Integer httpStatus;

  @Column(name = "last_error")
  public String lastError;

  public boolean replayed;
}
