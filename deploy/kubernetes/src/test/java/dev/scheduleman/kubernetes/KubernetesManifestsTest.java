package dev.scheduleman.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduleman.api.config.ApiConfig;
import dev.scheduleman.executor.config.ExecutorConfig;
import dev.scheduleman.storage.testing.TestDatabase;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes deployment, validated without a cluster: every file and every rendered overlay
 * parses strictly, and what the manifests say about the services (ports, probe paths, settings)
 * matches the services' own configuration.
 */
class KubernetesManifestsTest {

  /** The service each container runs, by container name. */
  private static final Map<String, String> MODULES =
      Map.of("crud-api", "crud-api", "executor", "executor", "waitecho", "waitecho");

  /** Quarkus settings the manifests use that the properties files leave to the environment. */
  private static final Set<String> QUARKUS_SETTINGS = Set.of("quarkus.datasource.password");

  /** Secrets an overlay expects to exist (created by the operator, not rendered). */
  private static final Map<String, Set<String>> PREREQUISITE_SECRETS =
      Map.of(
          "overlays/dev", Set.of(),
          "overlays/prod",
              Set.of(
                  "scheduleman-database", "scheduleman-bootstrap", "scheduleman-backlog-reader"));

  /** The autoscaler's database credentials, and the group role that grants what it reads. */
  private static final String BACKLOG_SECRET = "scheduleman-backlog-reader";

  private static final String BACKLOG_ROLE = "scheduleman_backlog";

  static Stream<Path> manifestFiles() throws IOException {
    return Manifests.yamlFiles().stream()
        .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifestFiles")
  void everyManifestFileParsesStrictly(Path file) throws IOException {
    List<JsonNode> docs = Manifests.documents(Files.readString(file));
    assertThat(docs).isNotEmpty();
    for (JsonNode doc : docs) {
      Manifests.strict(doc);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"overlays/dev", "overlays/prod"})
  void overlayRendersAndEveryObjectParsesStrictly(String overlay) throws Exception {
    List<Object> objects = rendered(overlay);
    assertThat(objects).isNotEmpty();
    assertThat(deployments(objects))
        .extracting(d -> d.getMetadata().getName())
        .contains("scheduleman-crud-api", "scheduleman-executor");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"overlays/dev", "overlays/prod"})
  void portsProbesAndSettingsMatchTheServicesConfiguration(String overlay) throws Exception {
    List<Object> objects = rendered(overlay);
    Set<String> configMaps = new HashSet<>();
    Set<String> secrets = new HashSet<>(PREREQUISITE_SECRETS.get(overlay));
    for (Object o : objects) {
      if (o instanceof ConfigMap cm) {
        configMaps.add(cm.getMetadata().getName());
      } else if (o instanceof Secret s) {
        secrets.add(s.getMetadata().getName());
      }
    }
    for (Deployment deployment : deployments(objects)) {
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      for (Container container : pod.getContainers()) {
        String module = MODULES.get(container.getName());
        assertThat(module).as("container %s runs a known service", container.getName()).isNotNull();
        Properties properties = applicationProperties(module);
        int port = Integer.parseInt(properties.getProperty("quarkus.http.port"));
        assertThat(container.getPorts())
            .extracting(ContainerPort::getContainerPort)
            .as("%s listens where quarkus.http.port says", container.getName())
            .containsExactly(port);
        checkProbes(container);
        Set<String> known = settings(module, properties);
        for (String name : environment(container, objects, configMaps, secrets)) {
          assertThat(known).as("%s: %s is a setting of %s", overlay, name, module).contains(name);
        }
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
      }
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"overlays/dev", "overlays/prod"})
  void executorsGetTimeToFinishWhatIsInFlightBeforeTheyAreKilled(String overlay) throws Exception {
    List<Object> objects = rendered(overlay);
    Deployment executor = deployment(objects, "scheduleman-executor");
    ConfigMap settings =
        objects.stream()
            .filter(
                o ->
                    o instanceof ConfigMap cm
                        && cm.getMetadata().getName().startsWith("scheduleman-executor-config"))
            .map(ConfigMap.class::cast)
            .findFirst()
            .orElseThrow();
    Duration grace =
        dev.scheduleman.sdk.time.Durations.parse(
            settings.getData().getOrDefault("SCHEDULEMAN_EXECUTOR_SHUTDOWN_GRACE", "20s"));
    long podGrace = executor.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    assertThat(Duration.ofSeconds(podGrace)).isGreaterThan(grace.plusSeconds(10));
  }

  @Test
  void prodScalesExecutorsOnTheDueBacklogWithAQueryThatRunsOnTheRealSchema() throws Exception {
    List<Object> objects = rendered("overlays/prod");
    CustomResources.ScaledObject scaled = only(objects, CustomResources.ScaledObject.class);
    assertThat(deployment(objects, scaled.spec().scaleTargetRef().name())).isNotNull();
    CustomResources.Trigger backlog =
        scaled.spec().triggers().stream()
            .filter(t -> t.type().equals("postgresql"))
            .findFirst()
            .orElseThrow();
    for (CustomResources.Trigger trigger : scaled.spec().triggers()) {
      assertThat(CustomResources.KEDA_POSTGRESQL_METADATA.get(trigger.type()))
          .as("metadata of a %s trigger", trigger.type())
          .containsAll(trigger.metadata().keySet());
    }
    CustomResources.Cluster cluster = only(objects, CustomResources.Cluster.class);
    assertThat(backlog.metadata().get("host")).startsWith(cluster.metadata().name() + "-");
    assertThat(backlog.metadata().get("dbName"))
        .isEqualTo(cluster.spec().bootstrap().initdb().database());
    assertThat(cluster.spec().bootstrap().initdb().secret().name())
        .isEqualTo("scheduleman-database");

    TestDatabase db = TestDatabase.shared();
    db.truncateAll();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(backlog.metadata().get("query"))) {
      assertThat(r.next()).isTrue();
      assertThat(r.getLong(1)).isZero();
      assertThat(r.next()).as("one row, one number").isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"overlays/dev", "overlays/prod"})
  void egressToPostgresqlAndDnsReachesOnlyTheDatabasePodsAndKubeDns(String overlay)
      throws Exception {
    List<Object> objects = rendered(overlay);
    List<Map<String, String>> databasePods = databasePodLabels(objects);
    assertThat(databasePods).as("%s runs a database", overlay).isNotEmpty();
    int checked = 0;
    for (NetworkPolicy policy : policies(objects)) {
      for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
        Set<Integer> ports = new HashSet<>();
        rule.getPorts().forEach(p -> ports.add(p.getPort().getIntVal()));
        if (!ports.contains(5432) && !ports.contains(53)) {
          continue;
        }
        String what = policy.getMetadata().getName() + " egress to " + ports;
        assertThat(ports).as(what + ": one kind of peer per rule").hasSize(1);
        assertThat(rule.getTo()).as(what + " names its peers").isNotEmpty();
        for (NetworkPolicyPeer peer : rule.getTo()) {
          assertThat(peer.getIpBlock()).as(what + " by address").isNull();
          assertThat(peer.getPodSelector()).as(what + " selects pods").isNotNull();
          if (ports.contains(5432)) {
            assertThat(peer.getNamespaceSelector()).as(what + ": in its own namespace").isNull();
            assertThat(databasePods)
                .as(what + " reaches the database pods")
                .allMatch(labels -> selects(peer.getPodSelector(), labels));
          } else {
            assertThat(peer.getNamespaceSelector().getMatchLabels())
                .containsEntry("kubernetes.io/metadata.name", "kube-system");
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns");
          }
        }
        checked++;
      }
    }
    assertThat(checked).as("crud-api and executor, database and DNS each").isEqualTo(4);
  }

  @Test
  void prodAutoscalerReadsTheBacklogWithItsOwnRoleThatCanReadNothingElse() throws Exception {
    List<Object> objects = rendered("overlays/prod");
    CustomResources.TriggerAuthentication auth =
        only(objects, CustomResources.TriggerAuthentication.class);
    assertThat(auth.spec().secretTargetRef())
        .extracting(CustomResources.SecretTarget::name)
        .as("not the owner's credentials")
        .doesNotContain("scheduleman-database")
        .containsOnly(BACKLOG_SECRET);
    assertThat(PREREQUISITE_SECRETS.get("overlays/prod")).contains(BACKLOG_SECRET);
    CustomResources.Cluster cluster = only(objects, CustomResources.Cluster.class);
    CustomResources.Role login =
        cluster.spec().managed().roles().stream()
            .filter(r -> r.passwordSecret() != null)
            .filter(r -> r.passwordSecret().name().equals(BACKLOG_SECRET))
            .findFirst()
            .orElseThrow();
    assertThat(login.login()).isTrue();
    assertThat(login.superuser()).isNotEqualTo(Boolean.TRUE);
    assertThat(login.inRoles()).containsExactly(BACKLOG_ROLE);
    assertThat(cluster.spec().bootstrap().initdb().postInitApplicationSQL())
        .as("the group role exists before the first migration")
        .anyMatch(sql -> sql.contains("CREATE ROLE " + BACKLOG_ROLE + " NOLOGIN"));

    // The database admits KEDA's operator on PostgreSQL's port.
    NetworkPolicy db =
        policies(objects).stream()
            .filter(p -> p.getMetadata().getName().equals("scheduleman-db"))
            .findFirst()
            .orElseThrow();
    assertThat(db.getSpec().getIngress())
        .anyMatch(
            rule ->
                rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == 5432)
                    && rule.getFrom().stream()
                        .anyMatch(
                            peer ->
                                peer.getNamespaceSelector() != null
                                    && "keda"
                                        .equals(
                                            peer.getNamespaceSelector()
                                                .getMatchLabels()
                                                .get("kubernetes.io/metadata.name"))));

    // On the real schema: the migrations grant the group role what the query reads, and only that.
    String query =
        objects.stream()
            .filter(CustomResources.ScaledObject.class::isInstance)
            .map(CustomResources.ScaledObject.class::cast)
            .flatMap(o -> o.spec().triggers().stream())
            .filter(t -> t.type().equals("postgresql"))
            .findFirst()
            .orElseThrow()
            .metadata()
            .get("query");
    TestDatabase db2 = TestDatabase.shared();
    try (Connection c = db2.dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (String sql : cluster.spec().bootstrap().initdb().postInitApplicationSQL()) {
        s.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
                + BACKLOG_ROLE
                + "') THEN EXECUTE '"
                + sql.replace("'", "''")
                + "'; END IF; END $$");
      }
      s.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'keda_test') THEN"
              + " CREATE ROLE keda_test NOLOGIN IN ROLE "
              + BACKLOG_ROLE
              + "; END IF; END $$");
      // What crud-api ran on a database where the role did not exist yet, run again now that it
      // does (as on a cluster bootstrapped from these manifests, where it exists from the start).
      s.execute(
          Files.readString(
              Manifests.ROOT.resolve(
                  "storage/src/main/resources/db/migration/V13__backlog_reader.sql")));
      c.setAutoCommit(false);
      try {
        s.execute("SET LOCAL ROLE keda_test");
        try (ResultSet r = s.executeQuery(query)) {
          assertThat(r.next()).isTrue();
        }
        for (String secret :
            List.of(
                "SELECT target_url FROM schedule",
                "SELECT * FROM schedule",
                "SELECT signing_secret FROM tenant",
                "SELECT * FROM api_key",
                "SELECT * FROM execution")) {
          s.execute("SAVEPOINT p");
          assertThatThrownBy(() -> s.executeQuery(secret).close())
              .as(secret)
              .hasMessageContaining("permission denied");
          s.execute("ROLLBACK TO SAVEPOINT p");
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"crud-api", "executor", "waitecho"})
  void dockerfileRunsTheFastJarAsANonRootUserOnTheServicesPort(String module) throws IOException {
    String dockerfile =
        Files.readString(Manifests.ROOT.resolve("deploy/docker/" + module + ".Dockerfile"));
    String port = applicationProperties(module).getProperty("quarkus.http.port");
    assertThat(dockerfile).contains("EXPOSE " + port + "\n");
    assertThat(dockerfile).containsPattern("(?m)^USER [1-9][0-9]*:[1-9][0-9]*$");
    assertThat(dockerfile)
        .contains("COPY --chown=root:root " + module + "/target/quarkus-app/lib/");
    assertThat(dockerfile).contains("exec java $JAVA_OPTS_APPEND -jar /app/quarkus-run.jar");
    assertThat(dockerfile).containsPattern("(?m)^FROM \\S+:\\S+$");
  }

  // ---------------------------------------------------------------------------------------------

  private static List<Object> rendered(String overlay) throws Exception {
    assumeTrue(
        Manifests.kubectl().isPresent(),
        "kubectl is not installed: rendering " + overlay + " skipped (files are still parsed)");
    List<Object> objects = new ArrayList<>();
    for (JsonNode doc : Manifests.documents(Manifests.render(overlay))) {
      objects.add(Manifests.strict(doc));
    }
    return objects;
  }

  /** The one object of this type the overlay renders. */
  private static <T> T only(List<Object> objects, Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  private static List<NetworkPolicy> policies(List<Object> objects) {
    return objects.stream()
        .filter(NetworkPolicy.class::isInstance)
        .map(NetworkPolicy.class::cast)
        .toList();
  }

  /** The labels of every database pod the overlay runs (its StatefulSet's or its cluster's). */
  private static List<Map<String, String>> databasePodLabels(List<Object> objects) {
    List<Map<String, String>> pods = new ArrayList<>();
    for (Object o : objects) {
      if (o instanceof StatefulSet set
          && "database"
              .equals(
                  set.getSpec()
                      .getTemplate()
                      .getMetadata()
                      .getLabels()
                      .get("app.kubernetes.io/component"))) {
        pods.add(set.getSpec().getTemplate().getMetadata().getLabels());
      } else if (o instanceof CustomResources.Cluster cluster) {
        // CloudNativePG labels its pods with the cluster's name and the inherited labels.
        Map<String, String> labels = new java.util.HashMap<>();
        if (cluster.spec().inheritedMetadata() != null
            && cluster.spec().inheritedMetadata().labels() != null) {
          labels.putAll(cluster.spec().inheritedMetadata().labels());
        }
        labels.put("cnpg.io/cluster", cluster.metadata().name());
        pods.add(labels);
      }
    }
    return pods;
  }

  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    assertThat(selector.getMatchExpressions()).isNullOrEmpty();
    return selector.getMatchLabels() != null
        && !selector.getMatchLabels().isEmpty()
        && labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
  }

  private static List<Deployment> deployments(List<Object> objects) {
    return objects.stream()
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .toList();
  }

  private static Deployment deployment(List<Object> objects, String name) {
    return deployments(objects).stream()
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment " + name));
  }

  private static void checkProbes(Container container) {
    Set<String> portNames = new HashSet<>();
    container.getPorts().forEach(p -> portNames.add(p.getName()));
    for (Probe probe :
        new Probe[] {
          container.getReadinessProbe(), container.getLivenessProbe(), container.getStartupProbe()
        }) {
      if (probe == null) {
        continue;
      }
      assertThat(probe.getHttpGet().getPath())
          .isIn("/q/health/ready", "/q/health/live", "/q/health/started");
      assertThat(portNames).contains(probe.getHttpGet().getPort().getStrVal());
    }
    assertThat(container.getReadinessProbe()).as("%s readiness", container.getName()).isNotNull();
    assertThat(container.getLivenessProbe()).as("%s liveness", container.getName()).isNotNull();
  }

  /** The environment variable names a container gets, checking that their sources exist. */
  private static List<String> environment(
      Container container, List<Object> objects, Set<String> configMaps, Set<String> secrets) {
    List<String> names = new ArrayList<>();
    for (EnvVar env : container.getEnv()) {
      names.add(env.getName());
      if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
        var ref = env.getValueFrom().getSecretKeyRef();
        if (!Boolean.TRUE.equals(ref.getOptional())) {
          assertThat(secrets).as("Secret of %s", env.getName()).contains(ref.getName());
        }
      }
    }
    for (EnvFromSource from : container.getEnvFrom()) {
      String name = from.getConfigMapRef().getName();
      assertThat(configMaps).as("ConfigMap %s", name).contains(name);
      objects.stream()
          .filter(o -> o instanceof ConfigMap cm && cm.getMetadata().getName().equals(name))
          .map(ConfigMap.class::cast)
          .forEach(cm -> names.addAll(cm.getData().keySet()));
    }
    return names;
  }

  /** Every setting a service reads, as an environment variable name. */
  private static Set<String> settings(String module, Properties properties) {
    Set<String> names = new HashSet<>();
    for (String key : properties.stringPropertyNames()) {
      if (!key.startsWith("%")) {
        names.add(envName(key));
      }
    }
    QUARKUS_SETTINGS.forEach(k -> names.add(envName(k)));
    switch (module) {
      case "crud-api" ->
          ConfigMappings.names(ApiConfig.class, "scheduleman").forEach(n -> names.add(envName(n)));
      case "executor" ->
          ConfigMappings.names(ExecutorConfig.class, "scheduleman")
              .forEach(n -> names.add(envName(n)));
      default -> names.add(envName("scheduleman.waitecho.signing-secret"));
    }
    return names;
  }

  static String envName(String property) {
    return property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  private static Properties applicationProperties(String module) throws IOException {
    Properties properties = new Properties();
    try (Reader reader =
        Files.newBufferedReader(
            Manifests.ROOT.resolve(module + "/src/main/resources/application.properties"))) {
      properties.load(reader);
    }
    return properties;
  }
}
