package dev.scheduleman.sdk.validation;

import dev.scheduleman.sdk.api.MisfireDto;
import dev.scheduleman.sdk.api.Problem.FieldError;
import dev.scheduleman.sdk.api.RetryDto;
import dev.scheduleman.sdk.api.ScheduleDto;
import dev.scheduleman.sdk.api.SpecDto;
import dev.scheduleman.sdk.api.TargetDto;
import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.spec.AtSpec;
import dev.scheduleman.sdk.spec.BoundedSpec;
import dev.scheduleman.sdk.spec.Bounds;
import dev.scheduleman.sdk.spec.CronSpec;
import dev.scheduleman.sdk.spec.EverySpec;
import dev.scheduleman.sdk.spec.InvalidSpecException;
import dev.scheduleman.sdk.spec.Misfire;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.sdk.spec.Window;
import dev.scheduleman.sdk.target.TargetAddresses;
import dev.scheduleman.sdk.time.Durations;
import dev.scheduleman.sdk.webhook.WebhookHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a schedule as a user wrote it and turns it into a {@link ScheduleDefinition}, with a
 * message per invalid field that says what is wrong and what would be right. The API, its preview
 * and the dashboard all validate here, so there is one set of rules.
 */
public final class ScheduleValidator {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");
  private static final Pattern LABEL_KEY =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

  private final Limits limits;
  private final TargetAddresses targets;

  public ScheduleValidator(Limits limits, TargetAddresses targets) {
    this.limits = limits;
    this.targets = targets;
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Validates a whole schedule.
   *
   * @param current the schedule's spec before this write, or null for a new schedule; a one-off
   *     whose {@code at} is unchanged may lie in the past (it has fired), a new or changed one may
   *     not, beyond the grace
   * @param prefix prepended to every field path (e.g. {@code items[3].}); empty for none
   */
  public Validation<ScheduleDefinition> validate(
      ScheduleDto request, Instant now, ScheduleSpec current, String prefix) {
    Errors errors = new Errors(prefix);
    if (request == null) {
      errors.add("", "a schedule is required");
      return Validation.invalid(errors.list());
    }
    String name = name(request.name(), errors);
    String description = description(request.description(), errors);
    Map<String, String> labels = labels(request.labels(), errors);
    ScheduleSpec spec = spec(request.schedule(), now, current, errors.nested("schedule"));
    Duration window = window(request.schedule(), spec, now, errors.nested("schedule"));
    Target target = target(request.target(), errors.nested("target"));
    RetryPolicy retry = retry(request.retry(), errors.nested("retry"));
    int priority = priority(request.priority(), errors);
    if (!errors.isEmpty()) {
      return Validation.invalid(errors.list());
    }
    return Validation.valid(
        new ScheduleDefinition(name, description, labels, spec, target, retry, priority, window));
  }

  /** Validates a spec alone (the preview); a one-off must not lie in the past beyond the grace. */
  public Validation<ScheduleSpec> validateSpec(SpecDto spec, Instant now) {
    Errors errors = new Errors("schedule.");
    ScheduleSpec result = spec(spec, now, null, errors);
    window(spec, result, now, errors);
    return errors.isEmpty() ? Validation.valid(result) : Validation.invalid(errors.list());
  }

  private String name(String name, Errors errors) {
    if (name == null) {
      return null;
    }
    if (name.isEmpty() || name.length() > limits.nameLength()) {
      errors.add("name", "must be 1 to " + limits.nameLength() + " characters long");
    } else if (!NAME.matcher(name).matches()) {
      errors.add(
          "name",
          "'"
              + abbreviate(name)
              + "' may use only letters, digits and . _ : - and must start with a letter or digit");
    }
    return name;
  }

  private static int priority(Integer priority, Errors errors) {
    if (priority == null) {
      return ScheduleDefinition.DEFAULT_PRIORITY;
    }
    if (priority < ScheduleDefinition.LOWEST_PRIORITY
        || priority > ScheduleDefinition.HIGHEST_PRIORITY) {
      errors.add(
          "priority",
          "must be "
              + ScheduleDefinition.LOWEST_PRIORITY
              + " (lowest) to "
              + ScheduleDefinition.HIGHEST_PRIORITY
              + " (highest), not "
              + priority);
      return ScheduleDefinition.DEFAULT_PRIORITY;
    }
    return priority;
  }

  private String description(String description, Errors errors) {
    if (description != null && description.length() > limits.descriptionLength()) {
      errors.add(
          "description", "must be at most " + limits.descriptionLength() + " characters long");
    }
    Text.controlProblemAllowingLineBreaks(description)
        .ifPresent(problem -> errors.add("description", problem));
    return description;
  }

  private Map<String, String> labels(Map<String, String> labels, Errors errors) {
    if (labels == null) {
      return Map.of();
    }
    if (labels.size() > limits.labels()) {
      errors.add("labels", "at most " + limits.labels() + " labels, not " + labels.size());
      return labels;
    }
    labels.forEach(
        (key, value) -> {
          if (key.length() > Limits.LABEL_KEY_LENGTH || !LABEL_KEY.matcher(key).matches()) {
            errors.add(
                "labels." + key,
                "label keys are 1 to "
                    + Limits.LABEL_KEY_LENGTH
                    + " letters, digits and . _ / - , starting and ending with a letter or digit");
          } else if (value == null) {
            errors.add("labels." + key, "must be a string");
          } else if (value.length() > Limits.LABEL_VALUE_LENGTH) {
            errors.add(
                "labels." + key,
                "must be at most " + Limits.LABEL_VALUE_LENGTH + " characters long");
          } else {
            Text.controlProblem(value).ifPresent(problem -> errors.add("labels." + key, problem));
          }
        });
    return labels;
  }

  // --------------------------------------------------------------------------------------------
  // schedule

  private ScheduleSpec spec(SpecDto spec, Instant now, ScheduleSpec current, Errors errors) {
    if (spec == null) {
      errors.add("", "is required: one of cron, at, delay or every");
      return null;
    }
    List<String> kinds = new ArrayList<>();
    if (spec.cron() != null) kinds.add("cron");
    if (spec.at() != null) kinds.add("at");
    if (spec.delay() != null) kinds.add("delay");
    if (spec.every() != null) kinds.add("every");
    if (kinds.size() != 1) {
      errors.add(
          "",
          kinds.isEmpty()
              ? "needs one of cron, at, delay or every"
              : "needs exactly one of cron, at, delay or every, not "
                  + String.join(" and ", kinds));
      return null;
    }
    boolean recurring = spec.cron() != null || spec.every() != null;
    boolean excludes = spec.excludeDates() != null && !spec.excludeDates().isEmpty();
    if (spec.timezone() != null && spec.cron() == null && !(spec.every() != null && excludes)) {
      errors.add(
          "timezone",
          spec.every() != null
              ? "applies to an every schedule only with excludeDates (the zone of those dates)"
              : "applies only to cron and every schedules");
    }
    if (!recurring) {
      String onlyRecurring = "applies only to cron and every schedules";
      if (spec.startAt() != null) errors.add("startAt", onlyRecurring);
      if (spec.endAt() != null) errors.add("endAt", onlyRecurring);
      if (spec.excludeDates() != null) errors.add("excludeDates", onlyRecurring);
      if (spec.misfire() != null) errors.add("misfire", onlyRecurring);
    }
    ScheduleSpec base =
        switch (kinds.get(0)) {
          case "cron" -> cron(spec, now, errors);
          case "at" -> at(spec.at(), now, current, errors);
          case "delay" -> delay(spec.delay(), now, errors);
          default -> every(spec, now, errors);
        };
    return recurring ? bounded(base, spec, now, current, errors) : base;
  }

  /**
   * The recurring spec within its startAt (a cron schedule's; an interval's is its first
   * occurrence), endAt and excludeDates, which must leave at least one occurrence from now on
   * (unless unchanged: a schedule past its end has completed).
   */
  private ScheduleSpec bounded(
      ScheduleSpec base, SpecDto spec, Instant now, ScheduleSpec current, Errors errors) {
    int before = errors.size();
    Instant startAt =
        spec.cron() != null && spec.startAt() != null
            ? instant(spec.startAt(), "startAt", errors)
            : null;
    Instant endAt = spec.endAt() == null ? null : instant(spec.endAt(), "endAt", errors);
    List<LocalDate> excluded = excludeDates(spec.excludeDates(), errors);
    Misfire misfire = misfire(spec.misfire(), errors);
    if (base == null || misfire == null || errors.size() != before) {
      return null;
    }
    Instant first = base instanceof EverySpec every ? every.startAt() : startAt;
    if (first != null && endAt != null && !endAt.isAfter(first)) {
      errors.add("endAt", spec.endAt() + " must be after startAt (" + first + ")");
      return null;
    }
    if (endAt != null && endAt.isAfter(now.plus(Limits.MAX_HORIZON))) {
      errors.add("endAt", spec.endAt() + " is too far in the future (at most 100 years)");
      return null;
    }
    ZoneId zone = base instanceof CronSpec cron ? cron.zone() : zoneOf(spec.timezone(), errors);
    if (zone == null) {
      return null;
    }
    ScheduleSpec result = BoundedSpec.of(base, Bounds.of(startAt, endAt, excluded, zone), misfire);
    if (!result.equals(current) && result.nextAfter(now).isEmpty()) {
      boolean endsTooSoon =
          BoundedSpec.of(base, Bounds.of(startAt, endAt, List.of(), zone)).nextAfter(now).isEmpty();
      if (endsTooSoon) {
        errors.add(
            "endAt",
            spec.endAt() + " leaves no occurrence from now on; the schedule would never fire");
      } else {
        errors.add(
            "excludeDates", "exclude every remaining occurrence; the schedule would never fire");
      }
      return null;
    }
    return result;
  }

  /** How many next occurrences the cadence is read from when a window is checked against it. */
  private static final int CADENCE_SAMPLE = 50;

  /**
   * The flexible window: from 1 s to a day, and for a recurring schedule no longer than the
   * shortest gap between its next occurrences (else an occurrence could fire after the next one).
   */
  private static Duration window(SpecDto dto, ScheduleSpec spec, Instant now, Errors errors) {
    if (dto == null || dto.window() == null) {
      return Duration.ZERO;
    }
    Duration window = duration(dto.window(), "window", errors);
    if (window == null) {
      return null;
    }
    if (window.compareTo(Window.MIN) < 0 || window.compareTo(Limits.MAX_WINDOW) > 0) {
      errors.add(
          "window",
          "must be between 1s and "
              + Durations.formatCompact(Limits.MAX_WINDOW)
              + ", not "
              + Durations.formatCompact(window));
      return null;
    }
    if (spec != null && spec.recurring()) {
      Duration cadence = null;
      Optional<Instant> previous = spec.nextAfter(now);
      for (int i = 0; i < CADENCE_SAMPLE && previous.isPresent(); i++) {
        Optional<Instant> next = spec.nextAfter(previous.get());
        if (next.isEmpty()) {
          break;
        }
        Duration gap = Duration.between(previous.get(), next.get());
        cadence = cadence == null || gap.compareTo(cadence) < 0 ? gap : cadence;
        previous = next;
      }
      if (cadence != null && window.compareTo(cadence) > 0) {
        errors.add(
            "window",
            Durations.formatCompact(window)
                + " is longer than the schedule's cadence (its runs are as little as "
                + Durations.formatCompact(cadence)
                + " apart)");
        return null;
      }
    }
    return window;
  }

  /** The misfire policy, each part defaulted; null (with the errors) when a part is wrong. */
  private static Misfire misfire(MisfireDto dto, Errors errors) {
    if (dto == null) {
      return Misfire.DEFAULT;
    }
    int before = errors.size();
    Misfire.Policy policy = Misfire.DEFAULT.policy();
    if (dto.policy() != null) {
      try {
        policy = Misfire.Policy.parse(dto.policy());
      } catch (InvalidSpecException e) {
        errors.add(e.field(), e.getMessage());
      }
    }
    Duration threshold =
        dto.threshold() == null
            ? Misfire.DEFAULT_THRESHOLD
            : duration(dto.threshold(), "misfire.threshold", errors);
    int maxCatchUp = dto.maxCatchUp() == null ? Misfire.DEFAULT_MAX_CATCH_UP : dto.maxCatchUp();
    if (threshold == null || errors.size() != before) {
      return null;
    }
    try {
      return new Misfire(policy, threshold, maxCatchUp);
    } catch (InvalidSpecException e) {
      errors.add(e.field(), e.getMessage());
      return null;
    }
  }

  private static List<LocalDate> excludeDates(List<String> dates, Errors errors) {
    if (dates == null) {
      return List.of();
    }
    if (dates.size() > Bounds.MAX_EXCLUDED_DATES) {
      errors.add(
          "excludeDates", "at most " + Bounds.MAX_EXCLUDED_DATES + " dates, not " + dates.size());
      return List.of();
    }
    List<LocalDate> out = new ArrayList<>(dates.size());
    for (int i = 0; i < dates.size(); i++) {
      String date = dates.get(i);
      try {
        if (date == null) {
          throw new DateTimeParseException("null", "", 0);
        }
        out.add(LocalDate.parse(date));
      } catch (DateTimeParseException e) {
        errors.add(
            "excludeDates[" + i + "]",
            "'" + abbreviate(String.valueOf(date)) + "' is not a local date like 2026-12-25");
      }
    }
    return out;
  }

  private static ZoneId zoneOf(String timezone, Errors errors) {
    try {
      return CronSpec.parseZone(timezone);
    } catch (InvalidSpecException e) {
      errors.add(e.field(), e.getMessage());
      return null;
    }
  }

  private ScheduleSpec cron(SpecDto spec, Instant now, Errors errors) {
    try {
      CronSpec cron = CronSpec.parse(spec.cron(), spec.timezone());
      if (cron.nextAfter(now).isEmpty()) {
        errors.add("cron", "'" + cron.expression() + "' never fires (no such date)");
        return null;
      }
      return cron;
    } catch (InvalidSpecException e) {
      errors.add(e.field(), e.getMessage());
      return null;
    }
  }

  private ScheduleSpec at(String text, Instant now, ScheduleSpec current, Errors errors) {
    Instant at = instant(text, "at", errors);
    if (at == null) {
      return null;
    }
    AtSpec spec = new AtSpec(at);
    if (spec.equals(current)) {
      return spec; // unchanged: it may have fired long ago
    }
    if (at.isBefore(now.minus(limits.pastGrace()))) {
      errors.add(
          "at",
          text
              + " is more than "
              + Durations.formatCompact(limits.pastGrace())
              + " in the past; use a future time, or a delay");
      return null;
    }
    if (at.isAfter(now.plus(Limits.MAX_HORIZON))) {
      errors.add("at", text + " is too far in the future (at most 100 years)");
      return null;
    }
    return spec;
  }

  private ScheduleSpec delay(String text, Instant now, Errors errors) {
    Duration delay = duration(text, "delay", errors);
    if (delay == null) {
      return null;
    }
    if (delay.compareTo(Limits.MAX_HORIZON) > 0) {
      errors.add("delay", "must be at most 100 years");
      return null;
    }
    return new AtSpec(now.plus(delay).truncatedTo(ChronoUnit.MILLIS));
  }

  private ScheduleSpec every(SpecDto spec, Instant now, Errors errors) {
    Duration interval = duration(spec.every(), "every", errors);
    Instant startAt = spec.startAt() == null ? null : instant(spec.startAt(), "startAt", errors);
    if (interval == null) {
      return null;
    }
    if (interval.compareTo(limits.minInterval()) < 0) {
      errors.add(
          "every",
          "must be at least "
              + Durations.formatCompact(limits.minInterval())
              + ", not "
              + Durations.formatCompact(interval));
      return null;
    }
    if (interval.compareTo(Limits.MAX_HORIZON) > 0) {
      errors.add("every", "must be at most 100 years");
      return null;
    }
    if (spec.startAt() != null && startAt == null) {
      return null;
    }
    return new EverySpec(interval, startAt != null ? startAt : now.plus(interval));
  }

  // --------------------------------------------------------------------------------------------
  // target

  private Target target(TargetDto target, Errors errors) {
    if (target == null) {
      errors.add("", "is required: at least a url");
      return null;
    }
    String url = url(target.url(), errors);
    String method = method(target.method(), errors);
    Map<String, String> headers = headers(target.headers(), errors);
    String body = body(target.body(), method, errors);
    Duration timeout = timeout(target.timeout(), errors);
    String flowKey = target.flowKey();
    if (flowKey != null) {
      FlowLimits.keyProblem(flowKey).ifPresent(problem -> errors.add("flowKey", problem));
    }
    String taskType = target.taskType();
    if (taskType != null) {
      TaskTypes.nameProblem(taskType).ifPresent(problem -> errors.add("taskType", problem));
      if (body == null) {
        errors.add("body", "is required by task type '" + abbreviate(taskType) + "'");
      }
    }
    if (url == null || method == null || headers == null || timeout == null) {
      return null;
    }
    return new Target(url, method, headers, body, timeout, flowKey, taskType);
  }

  private String url(String url, Errors errors) {
    if (url == null || url.isBlank()) {
      errors.add("url", "is required");
      return null;
    }
    if (url.length() > limits.urlLength()) {
      errors.add("url", "must be at most " + limits.urlLength() + " characters long");
      return null;
    }
    return targets.checkUrl(url).map(problem -> errors.add("url", problem)).isPresent()
        ? null
        : url;
  }

  private String method(String method, Errors errors) {
    if (method == null) {
      return Target.DEFAULT_METHOD;
    }
    String upper = method.toUpperCase(Locale.ROOT);
    if (!METHODS.contains(upper)) {
      errors.add(
          "method", "'" + abbreviate(method) + "' is not one of GET, POST, PUT, PATCH, DELETE");
      return null;
    }
    return upper;
  }

  private Map<String, String> headers(Map<String, String> headers, Errors errors) {
    if (headers == null) {
      return Map.of();
    }
    if (headers.size() > limits.headers()) {
      errors.add("headers", "at most " + limits.headers() + " headers, not " + headers.size());
      return null;
    }
    int before = errors.size();
    Map<String, String> out = new LinkedHashMap<>();
    headers.forEach(
        (name, value) -> {
          String field = "headers." + name;
          if (!HEADER_NAME.matcher(name).matches()) {
            errors.add(field, "is not a valid header name");
          } else if (WebhookHeaders.isReserved(name)) {
            errors.add(field, "is set by Scheduleman or by HTTP itself and cannot be overridden");
          } else if (value == null) {
            errors.add(field, "must be a string");
          } else if (value.length() > limits.headerValueLength()) {
            errors.add(field, "must be at most " + limits.headerValueLength() + " characters long");
          } else if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            errors.add(field, "must not contain line breaks");
          } else {
            out.put(name, value);
          }
        });
    return errors.size() == before ? out : null;
  }

  private String body(String body, String method, Errors errors) {
    if (body == null) {
      return null;
    }
    if ("GET".equals(method)) {
      errors.add("body", "a GET request has no body; use POST, PUT or PATCH");
    } else if (body.getBytes(StandardCharsets.UTF_8).length > limits.bodyBytes()) {
      errors.add("body", "must be at most " + limits.bodyBytes() / 1024 + " KiB");
    } else {
      Text.controlProblemAllowingLineBreaks(body).ifPresent(problem -> errors.add("body", problem));
    }
    return body;
  }

  private Duration timeout(String text, Errors errors) {
    if (text == null) {
      return Target.DEFAULT_TIMEOUT;
    }
    Duration timeout = duration(text, "timeout", errors);
    if (timeout == null) {
      return null;
    }
    if (timeout.compareTo(Limits.MIN_TIMEOUT) < 0 || timeout.compareTo(limits.maxTimeout()) > 0) {
      errors.add(
          "timeout",
          "must be between "
              + Durations.formatCompact(Limits.MIN_TIMEOUT)
              + " and "
              + Durations.formatCompact(limits.maxTimeout())
              + ", not "
              + Durations.formatCompact(timeout));
      return null;
    }
    return timeout;
  }

  // --------------------------------------------------------------------------------------------
  // retry

  private RetryPolicy retry(RetryDto retry, Errors errors) {
    RetryPolicy defaults = RetryPolicy.DEFAULT;
    if (retry == null) {
      return defaults;
    }
    int maxAttempts = retry.maxAttempts() == null ? defaults.maxAttempts() : retry.maxAttempts();
    if (maxAttempts < 1 || maxAttempts > limits.maxAttempts()) {
      errors.add(
          "maxAttempts", "must be between 1 and " + limits.maxAttempts() + ", not " + maxAttempts);
    }
    Duration min = backoff(retry.minBackoff(), defaults.minBackoff(), "minBackoff", errors);
    Duration max = backoff(retry.maxBackoff(), defaults.maxBackoff(), "maxBackoff", errors);
    if (min != null && max != null && min.compareTo(max) > 0) {
      errors.add(
          "minBackoff",
          "must not exceed maxBackoff ("
              + Durations.formatCompact(min)
              + " > "
              + Durations.formatCompact(max)
              + ")");
    }
    OnExhausted onExhausted = defaults.onExhausted();
    if (retry.onExhausted() != null) {
      try {
        onExhausted = OnExhausted.fromWireName(retry.onExhausted());
      } catch (IllegalArgumentException e) {
        errors.add("onExhausted", e.getMessage());
      }
    }
    if (min == null || max == null || errors.hasAny("maxAttempts", "minBackoff", "onExhausted")) {
      return null;
    }
    return new RetryPolicy(maxAttempts, min, max, onExhausted);
  }

  private Duration backoff(String text, Duration fallback, String field, Errors errors) {
    if (text == null) {
      return fallback;
    }
    Duration value = duration(text, field, errors);
    if (value == null) {
      return null;
    }
    if (value.compareTo(Limits.MIN_BACKOFF) < 0 || value.compareTo(limits.maxBackoff()) > 0) {
      errors.add(
          field,
          "must be between "
              + Durations.formatCompact(Limits.MIN_BACKOFF)
              + " and "
              + Durations.formatCompact(limits.maxBackoff())
              + ", not "
              + Durations.formatCompact(value));
      return null;
    }
    return value;
  }

  // --------------------------------------------------------------------------------------------

  private static Duration duration(String text, String field, Errors errors) {
    try {
      Duration value = Durations.parse(text);
      if (value.isZero()) {
        errors.add(field, "must be longer than zero");
        return null;
      }
      return value;
    } catch (IllegalArgumentException | ArithmeticException e) {
      errors.add(field, e.getMessage());
      return null;
    }
  }

  private static Instant instant(String text, String field, Errors errors) {
    try {
      return Instant.parse(text).truncatedTo(ChronoUnit.MILLIS);
    } catch (DateTimeParseException e) {
      errors.add(
          field,
          "'" + abbreviate(text) + "' is not an ISO-8601 instant such as 2026-12-01T09:00:00Z");
      return null;
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "…";
  }

  /** Field errors, collected under a path. */
  private static final class Errors {
    private final String prefix;
    private final List<FieldError> list;

    Errors(String prefix) {
      this(prefix, new ArrayList<>());
    }

    private Errors(String prefix, List<FieldError> list) {
      this.prefix = prefix;
      this.list = list;
    }

    Errors nested(String field) {
      return new Errors(prefix + field + ".", list);
    }

    /** Adds an error; returns the message, for use in expressions. */
    String add(String field, String message) {
      String path = prefix + field;
      if (path.endsWith(".")) {
        path = path.substring(0, path.length() - 1);
      }
      list.add(new FieldError(path, message));
      return message;
    }

    boolean hasAny(String... fields) {
      for (String field : fields) {
        String path = prefix + field;
        if (list.stream().anyMatch(e -> e.field().equals(path))) {
          return true;
        }
      }
      return false;
    }

    int size() {
      return list.size();
    }

    boolean isEmpty() {
      return list.isEmpty();
    }

    List<FieldError> list() {
      return List.copyOf(list);
    }
  }
}
