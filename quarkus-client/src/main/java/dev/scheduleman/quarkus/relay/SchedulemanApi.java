package dev.scheduleman.quarkus.relay;

import dev.scheduleman.sdk.api.ScheduleDto;
import dev.scheduleman.sdk.api.TaskTypeDto;
import dev.scheduleman.sdk.api.TaskTypeRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/**
 * The part of the Scheduleman API the relay speaks, as a typed REST client over the common-sdk's
 * DTOs. Answers come back as responses, whatever their status, for the relay to judge. Injectable,
 * for an application that also declares its task types at start.
 */
@Path("/api/v1")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface SchedulemanApi {

  String IDEMPOTENCY_KEY = "Idempotency-Key";

  @POST
  @Path("schedules")
  Response create(@HeaderParam(IDEMPOTENCY_KEY) UUID idempotencyKey, ScheduleDto schedule);

  @PUT
  @Path("schedules/by-name/{name}")
  Response putByName(@PathParam("name") String name, ScheduleDto schedule);

  @DELETE
  @Path("schedules/{id}")
  Response delete(@PathParam("id") UUID id);

  @DELETE
  @Path("schedules/by-name/{name}")
  Response deleteByName(@PathParam("name") String name);

  /** Declares or changes a task type; throws for an answer other than 200 or 201. */
  @PUT
  @Path("task-types/{name}")
  TaskTypeDto putTaskType(@PathParam("name") String name, TaskTypeRequest type);
}
