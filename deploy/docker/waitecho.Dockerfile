# Scheduleman waitecho: waitecho, the mock receiver, in JVM mode.
#
# Build from the repository root after packaging (the Quarkus fast-jar layout in
# waitecho/target/quarkus-app):
#   ./mvnw -B package -DskipTests -pl waitecho -am
#   docker build -f deploy/docker/waitecho.Dockerfile -t <registry>/scheduleman-waitecho:<version> .
#
# Health is checked by Kubernetes through the probes on /q/health/* (see deploy/kubernetes), so the
# image carries no HEALTHCHECK of its own.
FROM eclipse-temurin:17-jre

ENV LANG=C.UTF-8 \
    JAVA_OPTS_APPEND="" \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.security.egd=file:/dev/urandom"

# A fixed, unprivileged user that owns nothing in the image: the root filesystem can be mounted
# read-only (only /tmp is written, from an emptyDir).
RUN groupadd --system --gid 10001 scheduleman \
 && useradd --system --uid 10001 --gid scheduleman --home-dir /app --shell /usr/sbin/nologin scheduleman

WORKDIR /app
# Layers from the least to the most often changed, so a code change ships one small layer.
COPY --chown=root:root waitecho/target/quarkus-app/lib/ /app/lib/
COPY --chown=root:root waitecho/target/quarkus-app/*.jar /app/
COPY --chown=root:root waitecho/target/quarkus-app/app/ /app/app/
COPY --chown=root:root waitecho/target/quarkus-app/quarkus/ /app/quarkus/

USER 10001:10001
EXPOSE 8090
# exec form: the JVM is PID 1 and receives SIGTERM directly, so the service stops gracefully.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS_APPEND -jar /app/quarkus-run.jar"]
