package dev.scheduleman.executor.send;

import dev.scheduleman.storage.trigger.ClaimedTrigger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Asked whether a trigger may still be sent (its lease still covers it, and nobody changed it
 * meanwhile). Implemented above the stages, where leases are kept.
 */
public interface Gate {

  /**
   * Asked once the trigger has a connection, before its request is built: calls {@code decision}
   * exactly once, perhaps later, on another thread (after a round trip to the database).
   */
  void admit(ClaimedTrigger trigger, Consumer<Boolean> decision);

  /**
   * Asked again at the very moment the request is written, without the database: does the lease, as
   * last confirmed, still cover the trigger's timeout from now? Between an admission and the write
   * lie event-loop turns; a process that stalls there (frozen, starved, a long pause) has lost its
   * lease when it wakes, and another executor may have fired the trigger already.
   */
  boolean covers(ClaimedTrigger trigger);

  /** Lets everything through: for sends that hold no lease (the start-up warm-up). */
  Gate OPEN = of((trigger, decision) -> decision.accept(true), trigger -> true);

  static Gate of(
      BiConsumer<ClaimedTrigger, Consumer<Boolean>> admit, Predicate<ClaimedTrigger> covers) {
    return new Gate() {
      @Override
      public void admit(ClaimedTrigger trigger, Consumer<Boolean> decision) {
        admit.accept(trigger, decision);
      }

      @Override
      public boolean covers(ClaimedTrigger trigger) {
        return covers.test(trigger);
      }
    };
  }
}
