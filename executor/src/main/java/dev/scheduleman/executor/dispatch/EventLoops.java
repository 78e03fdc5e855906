package dev.scheduleman.executor.dispatch;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Vert.x context on each event loop, handed out in turn.
 *
 * <p>Work started from a thread that is not Vert.x's own (the claim loop) otherwise lands on one
 * context for good: {@code Vertx.getOrCreateContext()} gives such a thread the same context every
 * time, so every timer the claim loop set, and every request those timers started, ran on one event
 * loop while the others idled, and a wave of triggers due at one instant was sent one after the
 * other. Each context here belongs to an instance of a verticle that does nothing else: deploying
 * instances is the public way to get contexts on distinct event loops.
 */
public final class EventLoops implements AutoCloseable {

  private final Vertx vertx;
  private final List<Context> contexts;
  private final String deployment;
  private final AtomicInteger next = new AtomicInteger();

  private EventLoops(Vertx vertx, List<Context> contexts, String deployment) {
    this.vertx = vertx;
    this.contexts = contexts;
    this.deployment = deployment;
  }

  /** Contexts on each of the event loops of {@code vertx}; waits for them at most {@code wait}. */
  public static EventLoops of(Vertx vertx, Duration wait) {
    int loops = 0;
    for (var ignored : vertx.nettyEventLoopGroup()) {
      loops++;
    }
    List<Context> contexts = new CopyOnWriteArrayList<>();
    try {
      String deployment =
          vertx
              .deployVerticle(
                  () ->
                      new AbstractVerticle() {
                        @Override
                        public void start(Promise<Void> started) {
                          contexts.add(context);
                          started.complete();
                        }
                      },
                  new DeploymentOptions().setInstances(Math.max(1, loops)))
              .toCompletionStage()
              .toCompletableFuture()
              .get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return new EventLoops(vertx, List.copyOf(contexts), deployment);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while deploying the event-loop contexts", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not deploy the event-loop contexts", e);
    }
  }

  /** The contexts, one per event loop. */
  public int size() {
    return contexts.size();
  }

  /** The next context in turn. */
  public Context next() {
    return contexts.get(Math.floorMod(next.getAndIncrement(), contexts.size()));
  }

  @Override
  public void close() {
    vertx.undeploy(deployment);
  }
}
