package dev.scheduleman.executor.send;

import dev.scheduleman.storage.trigger.ClaimedTrigger;
import java.util.function.Consumer;

/**
 * Asked right before a request goes out whether the trigger may still be sent (its lease still
 * covers it, and nobody changed it meanwhile). Implemented above the stages, where leases are kept.
 */
public interface Gate {

  /** Calls {@code decision} exactly once, perhaps later, on another thread. */
  void admit(ClaimedTrigger trigger, Consumer<Boolean> decision);
}
