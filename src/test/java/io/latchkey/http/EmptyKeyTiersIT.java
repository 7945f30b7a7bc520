package io.latchkey.http;

import static io.latchkey.http.ApiIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A node configured with internal keys only: its admin tier refuses every call. */
class EmptyKeyTiersIT {

  private static Application node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    node = Application.start(TestConfig.forDatabase(TestPostgres.freshDatabase(),
        Map.of("INTERNAL_API_KEYS", ApiIT.INTERNAL)));
    api = new Api(node.httpPort());
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  @Test
  @DisplayName("with ADMIN_API_KEYS unset, no credential opens the admin tier")
  void anUnconfiguredTierRefusesEveryCall() throws Exception {
    String account = "/api/v1/admin/accounts/" + UUID.randomUUID();

    assertProblem(api.get(account, null), 401);
    assertProblem(api.get(account, ApiIT.ADMIN), 401);
    assertProblem(api.get(account, ""), 401);
    assertProblem(api.get(account, ApiIT.INTERNAL), 403);
    assertThat(api.get("/api/v1/internal/sessions/" + UUID.randomUUID(), ApiIT.INTERNAL).statusCode())
        .as("the configured tier works").isEqualTo(404);
  }
}
