package io.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.db.Migrations;
import io.latchkey.session.Actor;
import io.latchkey.session.CreatedSession;
import io.latchkey.session.SessionFailure;
import io.latchkey.session.SessionService;
import io.latchkey.session.impl.SessionAddresses;
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
  private static SessionService client;

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
    Identity identity = Identity.parse("email", "race@example.com");

    List<Future<Provisioned>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(client.findOrCreateAccount(identity));
    }
    List<Provisioned> replies = Future.all(calls).await().list();

    assertThat(replies).extracting(Provisioned::accountId).containsOnly(replies.get(0).accountId());
    assertThat(replies).filteredOn(Provisioned::created).hasSize(1);
    assertThat(count("SELECT count(*) FROM accounts")).as("no orphan accounts").isEqualTo(accountsBefore + 1);
    assertThat(count("SELECT count(*) FROM identities WHERE subject = 'race@example.com'")).isEqualTo(1);
  }

  @Test
  @DisplayName("50 concurrent first sessions of one new identity share one account")
  void concurrentFirstSessionsShareOneAccount() throws SQLException {
    long accountsBefore = count("SELECT count(*) FROM accounts");
    Identity identity = Identity.parse("telegram", "777000111");

    List<Future<CreatedSession>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(client.create(identity, null, "device " + i));
    }
    List<CreatedSession> sessions = Future.all(calls).await().list();

    assertThat(sessions).extracting(CreatedSession::accountId).containsOnly(sessions.get(0).accountId());
    assertThat(sessions).filteredOn(CreatedSession::accountCreated).hasSize(1);
    assertThat(sessions).extracting(CreatedSession::sessionId).doesNotHaveDuplicates();
    assertThat(count("SELECT count(*) FROM accounts")).isEqualTo(accountsBefore + 1);
  }

  @Test
  void emailsAreNormalisedSoOnePersonHasOneAccount() {
    Provisioned first = findOrCreate("email", "  Bob@Example.COM ");
    Provisioned second = findOrCreate("email", "bob@example.com");

    assertThat(second.accountId()).isEqualTo(first.accountId());
    assertThat(second.created()).isFalse();
    Account account = client.account(first.accountId()).await();
    assertThat(account.identities().get(0).subject()).isEqualTo("bob@example.com");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"phone|+4912345", "email|not-an-email", "telegram|-5", "telegram|abc"})
  void invalidIdentitiesAreRejectedAndChangeNothing(String kind, String subject) throws SQLException {
    long before = count("SELECT count(*) FROM accounts");

    SessionFailure failure = SessionNode.failureOf(node.rawRequest(SessionAddresses.ACCOUNT_FIND_OR_CREATE,
        new JsonObject().put("identity", new JsonObject().put("kind", kind).put("subject", subject))));

    assertThat(failure).as("a message that is not a typed request").isEqualTo(SessionFailure.INVALID_REQUEST);
    assertThatThrownBy(() -> Identity.parse(kind, subject)).as("and no typed request can carry it")
        .isInstanceOf(InvalidIdentityException.class);
    assertThat(count("SELECT count(*) FROM accounts")).isEqualTo(before);
  }

  @Test
  void anAccountCanHoldSeveralIdentitiesButAnIdentityHasOneOwner() {
    UUID alice = findOrCreate("email", "alice@example.com").accountId();
    UUID carol = findOrCreate("email", "carol@example.com").accountId();
    Identity telegram = Identity.parse("telegram", "42424242");

    assertThat(client.linkIdentity(alice, telegram, Actor.ADMIN).await().newlyLinked()).isTrue();
    assertThat(client.linkIdentity(alice, telegram, Actor.ADMIN).await().newlyLinked()).isFalse();

    assertThat(SessionNode.failureOf(client.linkIdentity(carol, telegram, Actor.ADMIN)))
        .isEqualTo(SessionFailure.IDENTITY_TAKEN);
    assertThat(SessionNode.failureOf(client.linkIdentity(UUID.randomUUID(), Identity.parse("email", "nobody@example.com"),
        Actor.ADMIN))).isEqualTo(SessionFailure.ACCOUNT_NOT_FOUND);

    Account byTelegram = client.account(telegram).await();
    assertThat(byTelegram.accountId()).isEqualTo(alice);
    assertThat(byTelegram.status()).isEqualTo("active");
    assertThat(byTelegram.identities()).extracting(i -> i.kind().wireName() + ":" + i.subject())
        .containsExactly("email:alice@example.com", "telegram:42424242");
    assertThat(findOrCreate("telegram", "42424242").accountId()).isEqualTo(alice);
  }

  @Test
  @DisplayName("a cached account shows an identity linked after it was cached")
  void linkingRefreshesTheCachedAccount() {
    UUID id = findOrCreate("email", "cached@example.com").accountId();
    assertThat(client.account(id).await().identities()).hasSize(1);

    client.linkIdentity(id, Identity.parse("telegram", "9090909"), Actor.INTERNAL).await();

    assertThat(client.account(id).await().identities()).hasSize(2);
  }

  @Test
  void unknownAccountsAreNotFound() {
    assertThat(SessionNode.failureOf(client.account(UUID.randomUUID()))).isEqualTo(SessionFailure.ACCOUNT_NOT_FOUND);
    assertThat(SessionNode.failureOf(client.account(Identity.parse("email", "ghost@example.com"))))
        .isEqualTo(SessionFailure.ACCOUNT_NOT_FOUND);
    assertThat(SessionNode.failureOf(node.rawRequest(SessionAddresses.ACCOUNT_GET,
        new JsonObject().put("account_id", "not-a-uuid")))).isEqualTo(SessionFailure.INVALID_REQUEST);
  }

  private static Provisioned findOrCreate(String kind, String subject) {
    return client.findOrCreateAccount(Identity.parse(kind, subject)).await();
  }

  private static long count(String sql) throws SQLException {
    return TestPostgres.count(database, sql);
  }
}
