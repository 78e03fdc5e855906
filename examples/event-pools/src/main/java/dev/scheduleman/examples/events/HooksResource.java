package dev.scheduleman.examples.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.sdk.webhook.WebhookHeaders;
import dev.scheduleman.sdk.webhook.WebhookVerifier;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The webhooks Scheduleman sends this application. Each is checked against the tenant's signing
 * secret and handled once per {@code webhook-id}: a trigger delivered again (a retry after a
 * timeout) is acknowledged and dropped.
 */
@Path("/hooks")
@Consumes(MediaType.WILDCARD)
public class HooksResource {

  private static final Logger LOG = Logger.getLogger(HooksResource.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebhookVerifier verifier;
  private final EntityManager em;

  public HooksResource(EventsConfig config, EntityManager em) {
    this.verifier = new WebhookVerifier(config.signingSecret());
    this.em = em;
  }

  @POST
  @Path("merge-pools")
  @Transactional
  public Response mergePools(HttpHeaders headers, String body) {
    return handle(
        headers,
        body,
        event -> {
          event.poolsMergedAt = Instant.now();
          LOG.infof("merged the pools of %s", event.title);
        });
  }

  @POST
  @Path("newsletter")
  @Transactional
  public Response newsletter(HttpHeaders headers, String body) {
    return handle(headers, body, event -> event.newslettersSent++);
  }

  private Response handle(
      HttpHeaders headers, String body, java.util.function.Consumer<Event> work) {
    Optional<String> invalid = verifier.verify(headers.getRequestHeaders(), body);
    if (invalid.isPresent()) {
      return Response.status(401).entity(invalid.get()).build();
    }
    String webhookId = headers.getHeaderString(WebhookHeaders.ID);
    int fresh =
        em.createNativeQuery(
                "INSERT INTO received_webhook (webhook_id, received_at) VALUES (?1, ?2)"
                    + " ON CONFLICT DO NOTHING")
            .setParameter(1, webhookId)
            .setParameter(2, Timestamp.from(Instant.now()))
            .executeUpdate();
    if (fresh == 0) {
      return Response.ok("already handled").build();
    }
    UUID id = eventId(body);
    // Locked: the merge and a newsletter of one event may arrive at the same moment.
    Event event = id == null ? null : Event.findById(id, LockModeType.PESSIMISTIC_WRITE);
    if (event != null) {
      work.accept(event);
    }
    return Response.ok().build();
  }

  private static UUID eventId(String body) {
    try {
      JsonNode json = JSON.readTree(body);
      return UUID.fromString(json.path("eventId").asText());
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }
}
