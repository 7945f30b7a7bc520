# Sourced by bench/run and bench/compare: the load tools, the build, and the JVM that runs the harness.
# the load generators of the suite, from Debian (as root; otherwise install them first)
for tool in wrk:wrk h2load:nghttp2-client; do
  command=${tool%%:*} package=${tool#*:}
  command -v "$command" > /dev/null || { apt-get install -y "$package" > /dev/null 2>&1 || { apt-get update > /dev/null && apt-get install -y "$package" > /dev/null; }; }
done

mvn -B -q -DskipTests package test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
classpath="target/test-classes:target/classes:$(cat target/bench.classpath)"
jvm=(-Xmx1g -Dlatchkey.jar="$PWD/target/latchkey.jar"
  --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)
mkdir -p target/bench
