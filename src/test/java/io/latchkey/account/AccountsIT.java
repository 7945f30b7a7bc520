package io.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.db.Migrations;
import io.latchkey.session.SessionAddresses;
import io.latchkey.session.SessionClient;
import io.latchkey.session.SessionFailure;
import io.latchkey.testing.SessionNode;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccountsIT {

  private static DatabaseTarget database;
  private static SessionNode node;
  private static SessionClient client;

  @BeforeAll
  static void start() {
    database = TestPostgres.freshDatabase();
    Migrations.migrate(database, "latchkey");
    node = SessionNode.start(database, Map.of());
    client = node.client();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @DisplayName("50 concurrent find-or-create calls for one new identity make exactly one account; exactly one says created")
  void concurrentFirstLoginsCreateOneAccount() throws SQLException {
    long accountsBefore = count("SELECT count(*) FROM accounts");
    JsonObject identity = new JsonObject().put("kind", "email").put("subject", "race@example.com");

    List<Future<JsonObject>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(client.call(SessionAddresses.ACCOUNT_FIND_OR_CREATE, new JsonObject().put("identity", identity)));
    }
    List<JsonObject> replies = Future.all(calls).await().list();

    assertThat(replies).extracting(r -> r.getString("account_id")).containsOnly(replies.get(0).getString("account_id"));
    assertThat(replies).filteredOn(r -> r.getBoolean("created")).hasSize(1);
    assertThat(count("SELECT count(*) FROM accounts")).as("no orphan accounts").isEqualTo(accountsBefore + 1);
    assertThat(count("SELECT count(*) FROM identities WHERE subject = 'race@example.com'")).isEqualTo(1);
  }

  @Test
  @DisplayName("50 concurrent first sessions of one new identity share one account")
  void concurrentFirstSessionsShareOneAccount() throws SQLException {
    long accountsBefore = count("SELECT count(*) FROM accounts");
    Identity identity = Identity.parse("telegram", "777000111");

    List<Future<SessionClient.CreatedSession>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(client.create(identity, null, "device " + i));
    }
    List<SessionClient.CreatedSession> sessions = Future.all(calls).await().list();

    assertThat(sessions).extracting(SessionClient.CreatedSession::accountId).containsOnly(sessions.get(0).accountId());
    assertThat(sessions).filteredOn(SessionClient.CreatedSession::accountCreated).hasSize(1);
    assertThat(sessions).extracting(SessionClient.CreatedSession::sessionId).doesNotHaveDuplicates();
    assertThat(count("SELECT count(*) FROM accounts")).isEqualTo(accountsBefore + 1);
  }

  @Test
  void emailsAreNormalisedSoOnePersonHasOneAccount() {
    JsonObject first = findOrCreate("email", "  Bob@Example.COM ");
    JsonObject second = findOrCreate("email", "bob@example.com");

    assertThat(second.getString("account_id")).isEqualTo(first.getString("account_id"));
    assertThat(second.getBoolean("created")).isFalse();
    JsonObject account = client.call(SessionAddresses.ACCOUNT_GET,
        new JsonObject().put("account_id", first.getString("account_id"))).await();
    assertThat(account.getJsonArray("identities").getJsonObject(0).getString("subject")).isEqualTo("bob@example.com");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"phone|+4912345", "email|not-an-email", "telegram|-5", "telegram|abc"})
  void invalidIdentitiesAreRejectedAndChangeNothing(String kind, String subject) throws SQLException {
    long before = count("SELECT count(*) FROM accounts");

    SessionFailure failure = SessionNode.failureOf(client.call(SessionAddresses.ACCOUNT_FIND_OR_CREATE,
        new JsonObject().put("identity", new JsonObject().put("kind", kind).put("subject", subject))));

    assertThat(failure).isEqualTo(SessionFailure.INVALID_REQUEST);
    assertThat(count("SELECT count(*) FROM accounts")).isEqualTo(before);
  }

  @Test
  void anAccountCanHoldSeveralIdentitiesButAnIdentityHasOneOwner() {
    String alice = findOrCreate("email", "alice@example.com").getString("account_id");
    String carol = findOrCreate("email", "carol@example.com").getString("account_id");
    JsonObject telegram = new JsonObject().put("kind", "telegram").put("subject", "42424242");

    client.call(SessionAddresses.ACCOUNT_LINK, new JsonObject().put("account_id", alice).put("identity", telegram)).await();
    client.call(SessionAddresses.ACCOUNT_LINK, new JsonObject().put("account_id", alice).put("identity", telegram))
        .await();

    assertThat(SessionNode.failureOf(client.call(SessionAddresses.ACCOUNT_LINK,
        new JsonObject().put("account_id", carol).put("identity", telegram)))).isEqualTo(SessionFailure.IDENTITY_TAKEN);
    assertThat(SessionNode.failureOf(client.call(SessionAddresses.ACCOUNT_LINK,
        new JsonObject().put("account_id", UUID.randomUUID().toString())
            .put("identity", new JsonObject().put("kind", "email").put("subject", "nobody@example.com")))))
        .isEqualTo(SessionFailure.ACCOUNT_NOT_FOUND);

    JsonObject byTelegram = client.call(SessionAddresses.ACCOUNT_GET, new JsonObject().put("identity", telegram)).await();
    assertThat(byTelegram.getString("account_id")).isEqualTo(alice);
    assertThat(byTelegram.getString("status")).isEqualTo("active");
    assertThat(byTelegram.getJsonArray("identities").stream().map(JsonObject.class::cast)
        .map(i -> i.getString("kind") + ":" + i.getString("subject")))
        .containsExactly("email:alice@example.com", "telegram:42424242");
    assertThat(findOrCreate("telegram", "42424242").getString("account_id")).isEqualTo(alice);
  }

  @Test
  @DisplayName("a cached account shows an identity linked after it was cached")
  void linkingRefreshesTheCachedAccount() {
    String id = findOrCreate("email", "cached@example.com").getString("account_id");
    JsonObject byId = new JsonObject().put("account_id", id);
    assertThat(client.call(SessionAddresses.ACCOUNT_GET, byId).await().getJsonArray("identities")).hasSize(1);

    client.call(SessionAddresses.ACCOUNT_LINK, new JsonObject().put("account_id", id)
        .put("identity", new JsonObject().put("kind", "telegram").put("subject", "9090909"))).await();

    assertThat(client.call(SessionAddresses.ACCOUNT_GET, byId).await().getJsonArray("identities")).hasSize(2);
  }

  @Test
  void unknownAccountsAreNotFound() {
    assertThat(SessionNode.failureOf(client.call(SessionAddresses.ACCOUNT_GET,
        new JsonObject().put("account_id", UUID.randomUUID().toString())))).isEqualTo(SessionFailure.ACCOUNT_NOT_FOUND);
    assertThat(SessionNode.failureOf(client.call(SessionAddresses.ACCOUNT_GET, new JsonObject()
        .put("identity", new JsonObject().put("kind", "email").put("subject", "ghost@example.com")))))
        .isEqualTo(SessionFailure.ACCOUNT_NOT_FOUND);
    assertThat(SessionNode.failureOf(client.call(SessionAddresses.ACCOUNT_GET,
        new JsonObject().put("account_id", "not-a-uuid")))).isEqualTo(SessionFailure.INVALID_REQUEST);
  }

  private static JsonObject findOrCreate(String kind, String subject) {
    return client.call(SessionAddresses.ACCOUNT_FIND_OR_CREATE,
        new JsonObject().put("identity", new JsonObject().put("kind", kind).put("subject", subject))).await();
  }

  private static long count(String sql) throws SQLException {
    return TestPostgres.count(database, sql);
  }
}
