package dev.scheduleman.api.schedules;

import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.PreviewDto;
import dev.scheduleman.sdk.api.PreviewRequest;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.sdk.spec.Window;
import dev.scheduleman.sdk.validation.ScheduleValidator;
import dev.scheduleman.sdk.validation.Validation;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code POST /api/v1/schedules/preview}: check a spec and see when it would fire. */
@Path("/api/v1/schedules/preview")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Schedules")
public class PreviewResource {

  private final ScheduleValidator validator;
  private final Clock clock;

  public PreviewResource(ScheduleValidator validator, Clock clock) {
    this.validator = validator;
    this.clock = clock;
  }

  @Requires(Scope.SCHEDULES_READ)
  @POST
  @Operation(
      summary = "Preview an unsaved spec",
      description = "Validates a schedule spec and lists its next fire times; saves nothing.")
  public PreviewDto preview(PreviewRequest request) {
    if (request == null) {
      throw ProblemException.invalid("schedule", "is required");
    }
    int count = request.count() == null ? Previews.DEFAULT_COUNT : request.count();
    if (count < 1 || count > Previews.MAX_COUNT) {
      throw ProblemException.invalid(
          "count", "must be from 1 to " + Previews.MAX_COUNT + ", not " + count);
    }
    Validation<ScheduleSpec> spec = validator.validateSpec(request.schedule(), clock.instant());
    if (!spec.isValid()) {
      throw ProblemException.invalid(spec.errors());
    }
    return Previews.of(spec.get(), clock.instant(), count, true, Window.NONE, null);
  }
}
