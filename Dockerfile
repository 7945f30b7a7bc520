# syntax=docker/dockerfile:1

# Build stage: the runnable jar, without the embedded PostgreSQL (-Dcontainer): the image needs DATABASE_URL.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q -Dcontainer dependency:go-offline
COPY conf conf
COPY src src
RUN mvn -B -q -Dcontainer -Dmaven.test.skip=true package

# Run stage: a JRE, a non-root user, the jar and its defaults.
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin latchkey
WORKDIR /app
COPY --from=build /src/target/latchkey.jar /app/latchkey.jar
COPY conf /app/conf
USER 10001
# 8080: the API (HTTP_PORT); with CLUSTER_ENABLED=true, 5701: Hazelcast (CLUSTER_PORT) and 5801: the clustered
# event bus (CLUSTER_EVENT_BUS_PORT); set CLUSTER_HOST to the container's own address on the cluster's network
EXPOSE 8080 5701 5801
ENV HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    CLUSTER_PORT=5701 \
    CLUSTER_EVENT_BUS_PORT=5801 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# shell form, so that HTTP_PORT is read when the check runs (docker run -e HTTP_PORT=… changes it)
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${HTTP_PORT}/readyz" > /dev/null || exit 1
# the Hazelcast --add-opens flags are in the jar manifest; exec form: the JVM is PID 1 and receives SIGTERM directly, so shutdown is graceful
ENTRYPOINT ["java", "-jar", "/app/latchkey.jar"]
