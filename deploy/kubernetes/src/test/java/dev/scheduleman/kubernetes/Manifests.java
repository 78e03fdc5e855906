package dev.scheduleman.kubernetes;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Renders the kustomize overlays and reads every object strictly: Kubernetes objects into the
 * fabric8 model with no field left over, the operators' resources into {@link CustomResources} with
 * unknown fields rejected. A typo in a field name fails the build instead of being ignored by the
 * cluster.
 */
final class Manifests {

  static final Path ROOT = locate();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper STRICT =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private static final Map<String, Class<?>> TYPES =
      Map.ofEntries(
          Map.entry("v1/Namespace", Namespace.class),
          Map.entry("v1/ConfigMap", ConfigMap.class),
          Map.entry("v1/Secret", Secret.class),
          Map.entry("v1/Service", Service.class),
          Map.entry("v1/ServiceAccount", ServiceAccount.class),
          Map.entry("apps/v1/Deployment", Deployment.class),
          Map.entry("apps/v1/StatefulSet", StatefulSet.class),
          Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
          Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
          Map.entry("postgresql.cnpg.io/v1/Cluster", CustomResources.Cluster.class),
          Map.entry("keda.sh/v1alpha1/ScaledObject", CustomResources.ScaledObject.class),
          Map.entry(
              "keda.sh/v1alpha1/TriggerAuthentication",
              CustomResources.TriggerAuthentication.class));

  private Manifests() {}

  private static Path locate() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("deploy/kubernetes"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("deploy/kubernetes not found above the working directory");
    }
    return dir;
  }

  /** kubectl, if this machine has it. */
  static Optional<String> kubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }

  /** {@code kubectl kustomize} of a folder under deploy/kubernetes. */
  static String render(String folder) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                kubectl().orElseThrow(),
                "kustomize",
                ROOT.resolve("deploy/kubernetes").resolve(folder).toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("kubectl kustomize " + folder + " failed:\n" + output);
    }
    return output;
  }

  /** The documents of a YAML stream, as trees. */
  static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(yaml)) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  /** Reads one object into its model class; fails on an unknown kind or an unknown field. */
  static Object strict(JsonNode doc) throws IOException {
    String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
    Class<?> type = TYPES.get(key);
    if (type == null) {
      throw new IllegalStateException("no schema for " + key + " (add it to the validation)");
    }
    Object object = STRICT.treeToValue(doc, type);
    if (object instanceof HasMetadata) {
      List<String> unknown = new ArrayList<>();
      collectUnknown(
          object,
          key + " " + doc.path("metadata").path("name").asText(),
          unknown,
          new IdentityHashMap<>());
      if (!unknown.isEmpty()) {
        throw new IllegalStateException("unknown fields: " + unknown);
      }
    }
    return object;
  }

  /**
   * fabric8's model keeps fields it does not know in {@code additionalProperties} instead of
   * failing; walk the object and report every such field with its path.
   */
  private static void collectUnknown(
      Object object, String path, List<String> unknown, Map<Object, Boolean> seen) {
    if (object == null || seen.put(object, Boolean.TRUE) != null) {
      return;
    }
    if (object instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        collectUnknown(item, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (object instanceof Map<?, ?> map) {
      map.forEach((k, v) -> collectUnknown(v, path + "." + k, unknown, seen));
      return;
    }
    if (!object.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method method : object.getClass().getMethods()) {
      if (method.getParameterCount() != 0
          || !method.getName().startsWith("get")
          || method.getDeclaringClass() == Object.class) {
        continue;
      }
      try {
        Object value = method.invoke(object);
        if (method.getName().equals("getAdditionalProperties")) {
          if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
            unknown.add(path + " " + extra.keySet());
          }
        } else {
          collectUnknown(value, path + "." + property(method.getName()), unknown, seen);
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static String property(String getter) {
    return Character.toLowerCase(getter.charAt(3)) + getter.substring(4);
  }

  /** Every YAML file in the kustomize tree. */
  static List<Path> yamlFiles() throws IOException {
    try (var files = Files.walk(ROOT.resolve("deploy/kubernetes"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  static final Set<String> OVERLAYS = Set.of("overlays/dev", "overlays/prod");
}
