package dev.scheduleman.api.quotas;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Caller;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.storage.tenant.TenantQuotas;
import dev.scheduleman.storage.tenant.TenantRepository;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.time.Duration;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The tenant quota {@code apiRequestsPerSecond}: a token bucket per tenant, of that many tokens,
 * refilled at that rate, so a tenant may burst a second's worth and then keeps to the rate. The
 * bucket is per crud-api replica (in memory): behind N replicas a tenant gets up to N times the
 * rate. That keeps the check off the database on every request; a shared bucket would cost a round
 * trip per request. The quota is read again every few seconds, so a change reaches every replica
 * within that time.
 */
@ApplicationScoped
public class ApiRateLimit {

  static final Duration QUOTA_TTL = Duration.ofSeconds(5);

  private final TenantRepository tenants;
  private final CurrentCaller current;
  private final Cache<UUID, Integer> rates =
      Caffeine.newBuilder().expireAfterWrite(QUOTA_TTL).maximumSize(100_000).build();
  private final Cache<UUID, Limited> buckets =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();

  public ApiRateLimit(TenantRepository tenants, CurrentCaller current) {
    this.tenants = tenants;
    this.current = current;
  }

  private record Limited(int perSecond, Bucket bucket) {}

  /** Right after authentication: every {@code /api/} request with a known key takes one. */
  @ServerRequestFilter(priority = Priorities.AUTHENTICATION + 1)
  public void filter(ContainerRequestContext request) {
    if (request.getUriInfo().getPath().startsWith("/api/")) {
      take(current.get());
    }
  }

  /**
   * Takes one request from the caller's tenant's allowance; the bootstrap admin is not limited.
   *
   * @throws ProblemException 429 with {@code Retry-After} when it is used up
   */
  public void take(Caller caller) {
    if (caller.admin()) {
      return;
    }
    UUID tenant = caller.tenantId();
    int perSecond = rates.get(tenant, t -> rateOf(tenants.quotas(t)));
    if (perSecond <= 0) {
      return;
    }
    Limited limited =
        buckets
            .asMap()
            .compute(
                tenant,
                (t, old) -> old != null && old.perSecond() == perSecond ? old : bucket(perSecond));
    ConsumptionProbe probe = limited.bucket().tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
      throw ProblemException.tooManyRequests(
          "this tenant may make "
              + perSecond
              + " API requests per second (quota apiRequestsPerSecond); retry after "
              + seconds
              + " s",
          seconds);
    }
  }

  /** Forgets the tenant's cached quota on this replica at once (after the admin changed it). */
  public void forget(UUID tenant) {
    rates.invalidate(tenant);
  }

  private static int rateOf(TenantQuotas quotas) {
    return quotas.apiRequestsPerSecond() == null ? 0 : quotas.apiRequestsPerSecond();
  }

  private static Limited bucket(int perSecond) {
    return new Limited(
        perSecond,
        Bucket.builder()
            .addLimit(
                limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
            .build());
  }
}
