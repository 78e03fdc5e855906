package dev.scheduleman.kubernetes;

import java.util.List;
import java.util.Map;

/**
 * The operators' resources this deployment uses, with the fields their schemas define that the
 * manifests use (CloudNativePG {@code postgresql.cnpg.io/v1 Cluster}, KEDA {@code keda.sh/v1alpha1
 * ScaledObject} and {@code TriggerAuthentication}). Read with unknown fields rejected, so a
 * misspelt field fails here; a field the manifests start using must be added here, from the
 * operator's documentation.
 */
final class CustomResources {

  private CustomResources() {}

  record Metadata(
      String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {}

  record Cluster(String apiVersion, String kind, Metadata metadata, ClusterSpec spec) {}

  record ClusterSpec(
      int instances,
      String imageName,
      String primaryUpdateStrategy,
      Bootstrap bootstrap,
      Postgresql postgresql,
      Storage storage,
      Resources resources,
      Affinity affinity,
      Monitoring monitoring,
      InheritedMetadata inheritedMetadata,
      Managed managed) {}

  record Bootstrap(InitDb initdb) {}

  record InitDb(
      String database, String owner, SecretRef secret, List<String> postInitApplicationSQL) {}

  record InheritedMetadata(Map<String, String> labels, Map<String, String> annotations) {}

  record Managed(List<Role> roles) {}

  record Role(
      String name,
      String ensure,
      String comment,
      Boolean login,
      Boolean superuser,
      Boolean createdb,
      Boolean createrole,
      Boolean inherit,
      Boolean replication,
      Boolean bypassrls,
      Integer connectionLimit,
      List<String> inRoles,
      SecretRef passwordSecret) {}

  record SecretRef(String name) {}

  record Postgresql(Map<String, String> parameters) {}

  record Storage(String size, String storageClass) {}

  record Resources(Map<String, String> requests, Map<String, String> limits) {}

  record Affinity(Boolean enablePodAntiAffinity, String topologyKey) {}

  record Monitoring(Boolean enablePodMonitor) {}

  record ScaledObject(String apiVersion, String kind, Metadata metadata, ScaledObjectSpec spec) {}

  record ScaledObjectSpec(
      TargetRef scaleTargetRef,
      Integer minReplicaCount,
      Integer maxReplicaCount,
      Integer pollingInterval,
      Integer cooldownPeriod,
      Fallback fallback,
      Advanced advanced,
      List<Trigger> triggers) {}

  record TargetRef(String name, String kind, String apiVersion) {}

  record Fallback(int failureThreshold, int replicas) {}

  record Advanced(HpaConfig horizontalPodAutoscalerConfig, Boolean restoreToOriginalReplicaCount) {}

  record HpaConfig(Behavior behavior) {}

  record Behavior(Rules scaleUp, Rules scaleDown) {}

  record Rules(Integer stabilizationWindowSeconds, List<Policy> policies) {}

  record Policy(String type, int value, int periodSeconds) {}

  record Trigger(
      String type,
      String metricType,
      String name,
      Map<String, String> metadata,
      AuthRef authenticationRef) {}

  record AuthRef(String name, String kind) {}

  record TriggerAuthentication(
      String apiVersion, String kind, Metadata metadata, TriggerAuthenticationSpec spec) {}

  record TriggerAuthenticationSpec(List<SecretTarget> secretTargetRef) {}

  record SecretTarget(String parameter, String name, String key) {}

  static final Map<String, List<String>> KEDA_POSTGRESQL_METADATA =
      Map.of(
          "postgresql",
          List.of(
              "host",
              "port",
              "dbName",
              "userName",
              "sslmode",
              "query",
              "targetQueryValue",
              "activationTargetQueryValue",
              "connectionFromEnv",
              "passwordFromEnv"),
          "cpu",
          List.of("value", "containerName"));
}
