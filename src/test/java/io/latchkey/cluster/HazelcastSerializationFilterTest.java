package io.latchkey.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.impl.MemberImpl;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.spi.exception.PartitionMigratingException;
import com.hazelcast.spi.exception.RetryableHazelcastException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import com.hazelcast.spi.exception.WrongTargetException;
import com.hazelcast.version.MemberVersion;
import io.latchkey.config.AppConfig;
import io.latchkey.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastNodeInfo;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.io.IOException;
import java.io.Serializable;
import java.rmi.MarshalledObject;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Java deserialization filter of the shipped conf/hazelcast.xml, applied by Hazelcast's own
 * serialization service exactly as a member applies it to what arrives from another member.
 */
class HazelcastSerializationFilterTest {

  private final SerializationService serialization = new DefaultSerializationServiceBuilder()
      .setConfig(Clustering.hazelcastConfig(AppConfig.from(TestConfig.defaults()).cluster()).getSerializationConfig())
      .build();

  @Test
  @DisplayName("a class outside the whitelist is refused, also nested inside an allowed one")
  void classesOutsideTheWhitelistAreRefused() throws IOException {
    RuntimeException carrier = new RuntimeException("carrier");
    carrier.addSuppressed(new Gadget());
    // java.rmi.MarshalledObject deserializes whatever it wraps on get(); Hazelcast's default whitelist admits it
    List<Object> refused = List.of(new Gadget(), new GadgetRecord("x"), carrier,
        new MarshalledObject<>("payload"), (Runnable & Serializable) () -> { });

    for (Object object : refused) {
      assertThatThrownBy(() -> roundTrip(object))
          .as(object.getClass().getName())
          .hasRootCauseInstanceOf(SecurityException.class)
          .rootCause().hasMessageContaining("is not allowed");
    }
  }

  @Test
  @DisplayName("what vertx-hazelcast stores and the exceptions members send each other still pass")
  void whatTheClusterExchangesStillPasses() throws IOException {
    RegistrationInfo registration = new RegistrationInfo("node-1", 7, false);
    assertThat(((HazelcastRegistrationInfo) roundTrip(new HazelcastRegistrationInfo(registration))).unwrap())
        .isEqualTo(registration);
    NodeInfo node = new NodeInfo("127.0.0.1", 41234, new JsonObject().put("k", "v"));
    assertThat(((HazelcastNodeInfo) roundTrip(new HazelcastNodeInfo(node))).unwrap()).isEqualTo(node);
    assertThat(roundTrip("__vertx.subs")).isEqualTo("__vertx.subs");

    MemberImpl member = new MemberImpl(new Address("127.0.0.1", 5701), MemberVersion.of(5, 3, 8), false);
    List<Throwable> exceptions = List.of(
        new WrongTargetException(member, member, 3, 0, "op", "svc"),
        new PartitionMigratingException(new Address("127.0.0.1", 5701), 3, "op", "svc"),
        new TargetNotMemberException("gone"),
        new MemberLeftException(member),
        new HazelcastInstanceNotActiveException(),
        new RetryableHazelcastException("retry", new TimeoutException("slow")),
        new OperationTimeoutException("timeout", new ConcurrentModificationException()),
        new IllegalStateException("state", new IOException("io")));
    for (Throwable exception : exceptions) {
      Throwable back = (Throwable) roundTrip(exception);
      assertThat(back).as(exception.getClass().getName()).isInstanceOf(exception.getClass())
          .hasMessage(exception.getMessage());
      assertThat(back.getStackTrace()).hasSameSizeAs(exception.getStackTrace());
    }
  }

  private Object roundTrip(Object object) {
    return serialization.toObject(serialization.toData(object));
  }

  static final class Gadget extends RuntimeException {}

  record GadgetRecord(String command) implements Serializable {}
}
