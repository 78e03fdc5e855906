package dev.scheduleman.api.quotas;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.spec.FireRate;
import dev.scheduleman.sdk.spec.InvalidSpecException;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRepository.Usage;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.schedule.SpecColumns;
import dev.scheduleman.storage.tenant.TenantQuotas;
import dev.scheduleman.storage.tenant.TenantRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Holds schedule writes to the tenant's {@code maxSchedules} and {@code maxFiresPerMinute}. A write
 * that is checked locks the tenant's row first, so concurrent writes of one tenant are counted one
 * after the other and cannot both slip under a quota; tenants without these quotas take no lock and
 * pay one primary-key read per write.
 *
 * <p>Each schedule's rate is stored with it once a check has computed it; rows written while no
 * quota was set (or before quotas existed) are rated at the first check that needs them.
 */
@ApplicationScoped
public class ScheduleQuotas {

  private final TenantRepository tenants;
  private final ScheduleRepository schedules;
  private final Clock clock;

  /** Schedules that share a spec share its rate: a batch of one cron is walked once. */
  private final Cache<SpecColumns, Double> rates =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();

  public ScheduleQuotas(TenantRepository tenants, ScheduleRepository schedules, Clock clock) {
    this.tenants = tenants;
    this.schedules = schedules;
    this.clock = clock;
  }

  /** A schedule as a write leaves it; {@code before} is null for a new one. */
  public record Change(ScheduleRow before, ScheduleRow after) {}

  /** What a checked write stores after it is written: the rates of the rows it wrote. */
  public static final class Admitted {
    static final Admitted UNCHECKED = new Admitted(null, Map.of());
    private final UUID tenantId;
    private final Map<UUID, Double> rates;

    Admitted(UUID tenantId, Map<UUID, Double> rates) {
      this.tenantId = tenantId;
      this.rates = rates;
    }
  }

  /**
   * Checks the write against the tenant's quotas, inside the write's transaction.
   *
   * @throws ProblemException 422 naming the quota and by how much the write would exceed it
   */
  public Admitted admit(UUID tenantId, List<Change> changes) {
    if (changes.isEmpty() || !tenants.quotas(tenantId).limitsSchedules()) {
      return Admitted.UNCHECKED;
    }
    TenantQuotas quotas = tenants.lockQuotas(tenantId);
    if (!quotas.limitsSchedules()) {
      return Admitted.UNCHECKED;
    }
    Instant now = clock.instant();
    rateUnrated(tenantId, now);
    List<UUID> replaced =
        changes.stream().map(Change::before).filter(Objects::nonNull).map(ScheduleRow::id).toList();
    Usage others = schedules.usage(tenantId, replaced);
    Usage current = replaced.isEmpty() ? others : schedules.usage(tenantId, List.of());
    long added = changes.size() - replaced.size();
    Map<UUID, Double> written = new HashMap<>();
    double rate = others.firesPerMinute();
    for (Change change : changes) {
      double r = rate(change.after().spec(), now);
      written.put(change.after().id(), r);
      rate += r;
    }
    Integer maxSchedules = quotas.maxSchedules();
    if (maxSchedules != null && added > 0 && current.schedules() + added > maxSchedules) {
      throw ProblemException.overQuota(
          "maxSchedules",
          String.format(
              Locale.ROOT,
              "the tenant may have %d schedules; it has %d, and this request adds %d: %d over",
              maxSchedules,
              current.schedules(),
              added,
              current.schedules() + added - maxSchedules));
    }
    Integer maxRate = quotas.maxFiresPerMinute();
    // Allowed when it adds nothing: an edit that keeps or lowers the rate of a tenant already over
    // a quota lowered under it.
    double rounding = 1e-9;
    if (maxRate != null
        && rate > maxRate + rounding
        && rate > current.firesPerMinute() + rounding) {
      throw ProblemException.overQuota(
          "maxFiresPerMinute",
          String.format(
              Locale.ROOT,
              "the tenant's schedules may fire %d times a minute; they fire %s, and with this"
                  + " request %s: %s over",
              maxRate,
              figure(current.firesPerMinute()),
              figure(rate),
              figure(rate - maxRate)));
    }
    return new Admitted(tenantId, written);
  }

  /** Stores the rates of what an admitted write wrote; call it after the write. */
  public void written(Admitted admitted) {
    if (admitted.tenantId != null) {
      schedules.setFireRates(admitted.tenantId, admitted.rates);
    }
  }

  /** The tenant's usage, with every rate stored (the quota need not be set). */
  public Usage usage(UUID tenantId) {
    rateUnrated(tenantId, clock.instant());
    return schedules.usage(tenantId, List.of());
  }

  private void rateUnrated(UUID tenantId, Instant now) {
    Map<UUID, Double> computed = new HashMap<>();
    for (ScheduleRepository.Unrated row : schedules.unrated(tenantId)) {
      computed.put(row.id(), rate(row.spec(), now));
    }
    schedules.setFireRates(tenantId, computed);
  }

  private double rate(SpecColumns spec, Instant now) {
    return rates.get(
        spec,
        s -> {
          try {
            return FireRate.perMinute(s.toSpec(), now);
          } catch (InvalidSpecException e) {
            throw new IllegalStateException("a stored spec no longer parses: " + s, e);
          }
        });
  }

  /** A rate as people read it: up to two decimals. */
  static String figure(double perMinute) {
    String text = String.format(Locale.ROOT, "%.2f", perMinute);
    return text.endsWith(".00") ? text.substring(0, text.length() - 3) : text;
  }
}
