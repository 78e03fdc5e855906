package dev.scheduleman.examples.events;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.time.Instant;
import java.util.UUID;

/** An event people register pools for; merged into one the day before it starts. */
@Entity
public class Event extends PanacheEntityBase {

  @Id public UUID id;

  public String title;

  @Column(name = "starts_at")
  public Instant startsAt;

  @Column(name = "merge_ref")
  public String mergeRef;

  @Column(name = "merge_outbox_id")
  public UUID mergeOutboxId;

  @Column(name = "newsletter_ref")
  public String newsletterRef;

  @Column(name = "newsletter_outbox_id")
  public UUID newsletterOutboxId;

  @Column(name = "pools_merged_at")
  public Instant poolsMergedAt;

  @Column(name = "newsletters_sent")
  public int newslettersSent;

  @Column(name = "created_at")
  public Instant createdAt;
}
