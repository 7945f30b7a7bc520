package io.latchkey.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The gateway cache must lift out into a gateway as it is: its compiled classes may refer to nothing but the
 * JDK ({@code java.*}), Vert.x core (its public API, not {@code io.vertx.core.internal}/{@code impl}), Vert.x Web
 * Client, Caffeine and the package itself. Read from the class files' constant pools, so a fully qualified name
 * in the code, a field type, a method signature or an annotation counts as much as an import.
 */
class GatewayPackageTest {

  private static final List<String> ALLOWED = List.of("java/", "io/vertx/core/", "io/vertx/ext/web/client/",
      "com/github/benmanes/caffeine/", "io/latchkey/gateway/");
  private static final List<String> FORBIDDEN = List.of("io/vertx/core/internal/", "io/vertx/core/impl/");
  private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([A-Za-z_$][\\w$]*(?:/[\\w$]+)+)[;<]");

  @Test
  @DisplayName("every class of io.latchkey.gateway refers only to the JDK, Vert.x core, Vert.x Web Client, "
      + "Caffeine and itself")
  void thePackageDependsOnNothingElse() throws Exception {
    Path root = Path.of(GatewayCache.class.getResource("GatewayCache.class").toURI()).getParent();
    List<Path> classes;
    try (Stream<Path> files = Files.walk(root)) {
      classes = files.filter(f -> f.toString().endsWith(".class")).toList();
    }
    assertThat(classes).as("the package's classes").hasSizeGreaterThan(10);

    List<String> violations = new ArrayList<>();
    for (Path file : classes) {
      for (String reference : references(file)) {
        if (!allowed(reference)) {
          violations.add(root.relativize(file) + " -> " + reference);
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  @DisplayName("the check sees what it must refuse: this test's own references to AssertJ and to latchkey's harness")
  void theCheckFindsForeignReferences() throws Exception {
    Set<String> mine = references(classFile(GatewayPackageTest.class));
    Set<String> cacheTest = references(classFile(GatewayPackageTest.class).resolveSibling("impl/GatewayCacheTest.class"));

    assertThat(mine).contains("org/assertj/core/api/Assertions", "java/nio/file/Path");
    assertThat(mine.stream().filter(r -> !allowed(r))).contains("org/assertj/core/api/Assertions");
    assertThat(cacheTest.stream().filter(r -> !allowed(r))).contains("io/latchkey/testing/Eventually");
    assertThat(allowed("io/vertx/core/internal/ContextInternal")).isFalse();
    assertThat(allowed("io/latchkey/session/SessionRecord")).isFalse();
  }

  private static Path classFile(Class<?> type) throws URISyntaxException {
    return Path.of(type.getResource(type.getSimpleName() + ".class").toURI());
  }

  private static boolean allowed(String reference) {
    return ALLOWED.stream().anyMatch(reference::startsWith) && FORBIDDEN.stream().noneMatch(reference::startsWith);
  }

  /**
   * The classes a class file names: its CONSTANT_Class entries, and every class in the descriptors and generic
   * signatures among its CONSTANT_Utf8 entries (fields, methods, annotations, lambdas). JVMS §4.4.
   */
  static Set<String> references(Path classFile) throws IOException {
    Set<String> found = new TreeSet<>();
    List<String> utf8 = new ArrayList<>();
    List<Integer> classNames = new ArrayList<>();
    try (InputStream in = Files.newInputStream(classFile); DataInputStream data = new DataInputStream(in)) {
      if (data.readInt() != 0xCAFEBABE) {
        throw new IOException("not a class file: " + classFile);
      }
      data.readUnsignedShort();
      data.readUnsignedShort();
      int count = data.readUnsignedShort();
      String[] strings = new String[count];
      for (int i = 1; i < count; i++) {
        int tag = data.readUnsignedByte();
        switch (tag) {
          case 1 -> {
            strings[i] = data.readUTF();
            utf8.add(strings[i]);
          }
          case 7 -> classNames.add(data.readUnsignedShort());
          case 8, 16, 19, 20 -> data.readUnsignedShort();
          case 3, 4, 9, 10, 11, 12, 17, 18 -> data.readInt();
          case 5, 6 -> {
            data.readLong();
            i++;
          }
          case 15 -> {
            data.readUnsignedByte();
            data.readUnsignedShort();
          }
          default -> throw new IOException("unknown constant pool tag " + tag + " in " + classFile);
        }
      }
      for (int index : classNames) {
        String name = strings[index];
        // array classes are descriptors ([Ljava/lang/String;); the loop below reads those
        if (!name.startsWith("[")) {
          found.add(name);
        }
      }
    }
    for (String text : utf8) {
      Matcher m = DESCRIPTOR_CLASS.matcher(text);
      while (m.find()) {
        found.add(m.group(1));
      }
    }
    return found;
  }
}
