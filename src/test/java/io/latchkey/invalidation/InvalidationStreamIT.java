package io.latchkey.invalidation;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.session.Tokens;
import io.latchkey.testing.Api;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.SseClient;
import io.latchkey.testing.SseClient.Message;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The invalidation stream of SPEC §5c on one node (two HTTP verticles) on a real PostgreSQL, read by raw
 * socket clients that parse the Server-Sent Events themselves: every kind of revocation arrives with its
 * shape, a client resuming with its last id gets what it missed, a revocation committed late behind an earlier
 * cursor is not lost, heartbeats carry the head, a slow reader is dropped without holding anything back, and
 * bad input is a precise 4xx. Resuming across nodes, restarts and the retention is
 * {@link InvalidationStreamClusterIT}'s.
 */
class InvalidationStreamIT {

  private static final String INTERNAL = "stream-internal-key-0123456789";
  private static final String ADMIN = "stream-admin-key-0123456789";
  private static final String PATH = "/api/v1/internal/invalidations";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Pattern FEED_READS = Pattern.compile("(?m)^latchkey_invalidation_feed_reads_total(?:\\{[^}]*})? (\\S+)$");
  private static final Pattern DROPPED =
      Pattern.compile("(?m)^latchkey_invalidation_stream_dropped_total\\{cause=\"slow\"[^}]*} (\\S+)$");
  private static final Pattern SUBSCRIBERS =
      Pattern.compile("(?m)^latchkey_invalidation_stream_subscribers(?:\\{[^}]*})? (\\S+)$");

  private static DatabaseTarget database;
  private static Application node;
  private static Api api;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    database = TestPostgres.freshDatabase();
    node = Application.start(TestConfig.forDatabase(database, Map.of(
        "INTERNAL_API_KEYS", INTERNAL,
        "ADMIN_API_KEYS", ADMIN,
        "HTTP_INSTANCES", 2,
        "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 0,
        "REVOCATION_POLL_MS", 500,
        "INVALIDATION_STREAM_HEARTBEAT_MS", 300,
        "INVALIDATION_STREAM_WRITE_QUEUE_BYTES", 16384,
        "INVALIDATION_STREAM_MAX_SUBSCRIBERS", 6)));
    port = node.httpPort();
    api = new Api(port);
    HttpProbe.awaitReady(port, Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  // ---------------------------------------------------------------------------------------------------

  @Test
  @DisplayName("every kind of revocation is an event with the shape of SPEC §5c, the account named only when all its sessions went")
  void everyKindOfRevocationArrives() throws Exception {
    try (SseClient stream = SseClient.connect(port, PATH, "Authorization", "Bearer " + INTERNAL)) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.header("content-type")).startsWith("text/event-stream");
      assertThat(stream.header("cache-control")).isEqualTo("no-store");
      Message first = stream.next(WAIT);
      assertThat(first.isIdOnly()).as("the head cursor at connect, without an event: %s", first).isTrue();

      JsonObject logout = login("logout@example.com");
      JsonObject byAdmin = login("by-admin@example.com");
      JsonObject keep = login("keep@example.com");
      JsonObject keepOther = login("keep@example.com");
      JsonObject adminAll1 = login("admin-all@example.com");
      JsonObject adminAll2 = login("admin-all@example.com");
      JsonObject userAll1 = login("user-all@example.com");
      JsonObject userAll2 = login("user-all@example.com");
      JsonObject disabled = login("disabled@example.com");
      JsonObject erased1 = login("erased@example.com");
      JsonObject erased2 = login("erased@example.com");
      JsonObject byToken = login("by-token@example.com");
      JsonObject bySql = login("by-sql@example.com");
      JsonObject bySqlAll = login("by-sql-all@example.com");

      assertThat(api.delete("/api/v1/user/sessions/current", logout.getString("token")).statusCode()).isEqualTo(204);
      assertThat(api.delete("/api/v1/admin/sessions/" + byAdmin.getString("session_id"), ADMIN).statusCode()).isEqualTo(204);
      assertThat(api.delete("/api/v1/user/sessions?keep_current=true", keep.getString("token")).statusCode()).isEqualTo(200);
      assertThat(api.post("/api/v1/admin/accounts/" + adminAll1.getString("account_id") + "/sessions/revoke", ADMIN, null)
          .statusCode()).isEqualTo(200);
      assertThat(api.delete("/api/v1/user/sessions", userAll1.getString("token")).statusCode()).isEqualTo(200);
      assertThat(api.post("/api/v1/admin/accounts/" + disabled.getString("account_id") + "/disable", ADMIN, null)
          .statusCode()).isEqualTo(200);
      assertThat(api.delete("/api/v1/admin/accounts/" + erased1.getString("account_id"), ADMIN).statusCode()).isEqualTo(204);
      assertThat(api.post("/api/v1/internal/sessions/revoke", INTERNAL,
          new JsonObject().put("token", byToken.getString("token")).encode()).statusCode()).isEqualTo(200);
      try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
        s.execute("UPDATE latchkey.sessions SET status = 'revoked', revoked_at = now() WHERE session_id = '"
            + bySql.getString("session_id") + "'");
        s.execute("UPDATE latchkey.sessions SET status = 'revoked', revoked_at = now(), revoked_reason = 'operator' "
            + "WHERE account_id = '" + bySqlAll.getString("account_id") + "'");
      }

      Map<String, JsonObject> bySession = new HashMap<>();
      List<JsonObject> events = new ArrayList<>();
      Set<String> expected = ids(logout, byAdmin, keepOther, adminAll1, adminAll2, userAll1, userAll2, disabled, erased1,
          erased2, byToken, bySql, bySqlAll);
      stream.eventsUntil(WAIT, so -> {
        for (Message m : so.subList(events.size(), so.size())) {
          assertThat(m.event()).isEqualTo("revoked");
          assertThat(m.id()).as("every event carries its cursor").isNotEmpty();
          JsonObject data = new JsonObject(m.data());
          events.add(data);
          for (Object s : data.getJsonArray("sessions")) {
            bySession.put(((JsonObject) s).getString("session_id"), data);
          }
        }
        return bySession.keySet().containsAll(expected);
      });
      assertThat(bySession.keySet()).as("nothing but these was revoked").isEqualTo(expected);

      for (JsonObject data : events) {
        assertThat(data.fieldNames()).isSubsetOf("account_id", "sessions", "revoked_at_ms", "reason")
            .contains("sessions", "revoked_at_ms", "reason");
        assertThat(data.getLong("revoked_at_ms")).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
      }
      for (JsonObject session : List.of(logout, byAdmin, keepOther, byToken, bySql, bySqlAll)) {
        assertThat(bySession.get(session.getString("session_id")).containsKey("account_id"))
            .as("one session, a revoke-all keeping one, hand-written SQL: no account named").isFalse();
      }
      for (JsonObject session : List.of(adminAll1, userAll1, disabled, erased1)) {
        JsonObject event = bySession.get(session.getString("session_id"));
        assertThat(event.getString("account_id")).as("every session of the account went").isEqualTo(session.getString("account_id"));
      }
      assertThat(bySession.get(adminAll1.getString("session_id"))).isSameAs(bySession.get(adminAll2.getString("session_id")));
      assertThat(bySession.get(erased1.getString("session_id"))).isSameAs(bySession.get(erased2.getString("session_id")));
      assertThat(reason(bySession, logout)).isEqualTo("logout");
      assertThat(reason(bySession, byAdmin)).isEqualTo("revoked-by-admin");
      assertThat(reason(bySession, userAll1)).isEqualTo("logout-everywhere");
      assertThat(reason(bySession, disabled)).isEqualTo("account-disabled");
      assertThat(reason(bySession, erased1)).isEqualTo("account-deleted");
      assertThat(reason(bySession, byToken)).isEqualTo("revoked-by-token");
      assertThat(bySession.get(bySql.getString("session_id")).getValue("reason")).isNull();
      assertThat(reason(bySession, bySqlAll)).isEqualTo("operator");

      for (JsonObject session : List.of(logout, byToken, erased2)) {
        JsonObject entry = entry(bySession.get(session.getString("session_id")), session.getString("session_id"));
        assertThat(entry.getString("account_id")).isEqualTo(session.getString("account_id"));
        assertThat(entry.getString("token_hash")).as("base64url of SHA-256 of the token")
            .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(Tokens.hash(session.getString("token")).bytes()))
            .hasSize(43);
      }
    }
  }

  @Test
  @DisplayName("a client resuming with Last-Event-ID or ?after= gets what it missed; the JSON poll pages through the same")
  void resumingDeliversWhatWasMissed() throws Exception {
    String cursor;
    try (SseClient stream = SseClient.connect(port, PATH, "Authorization", "Bearer " + INTERNAL)) {
      stream.next(WAIT, Message::isIdOnly);
      cursor = stream.lastEventId();
    }
    List<String> missed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonObject session = login("missed-" + i + "@example.com");
      assertThat(api.delete("/api/v1/user/sessions/current", session.getString("token")).statusCode()).isEqualTo(204);
      missed.add(session.getString("session_id"));
    }

    try (SseClient resumed = SseClient.connect(port, PATH, "Authorization", "Bearer " + INTERNAL, "Last-Event-ID", cursor)) {
      assertThat(sessionIds(resumed.eventsUntil(WAIT, so -> sessionIds(so).containsAll(missed)))).containsAll(missed);
    }
    try (SseClient resumed = SseClient.connect(port, PATH + "?after=" + cursor, "Authorization", "Bearer " + INTERNAL)) {
      assertThat(sessionIds(resumed.eventsUntil(WAIT, so -> sessionIds(so).containsAll(missed)))).containsAll(missed);
    }
    try (SseClient resumed = SseClient.connect(port, PATH + "?after=" + cursor, "Authorization", "Bearer " + INTERNAL,
        "Last-Event-ID", cursor)) {
      assertThat(resumed.status()).as("the same cursor twice is one cursor").isEqualTo(200);
    }

    // the JSON representation, a page of one at a time
    List<String> polled = new ArrayList<>();
    String next = cursor;
    for (int i = 0; i < 10 && !polled.containsAll(missed); i++) {
      JsonObject page = poll(next, "&limit=1");
      assertThat(page.fieldNames()).containsExactlyInAnyOrder("events", "next");
      assertThat(page.getJsonArray("events").size()).isLessThanOrEqualTo(1);
      for (Object e : page.getJsonArray("events")) {
        JsonObject event = (JsonObject) e;
        assertThat(event.getString("type")).isEqualTo("revoked");
        assertThat(Cursor.parse(page.getString("next")).compareTo(Cursor.parse(event.getString("id"))))
            .as("next is at or after the page's last event").isGreaterThanOrEqualTo(0);
        assertThat(event.fieldNames()).isSubsetOf("id", "type", "account_id", "sessions", "revoked_at_ms", "reason");
        event.getJsonArray("sessions").forEach(s -> polled.add(((JsonObject) s).getString("session_id")));
      }
      next = page.getString("next");
    }
    assertThat(polled).containsAll(missed);
    for (int i = 0; i < 10; i++) {
      JsonObject page = poll(next, "");
      if (page.getJsonArray("events").isEmpty()) {
        assertThat(Cursor.parse(page.getString("next")).compareTo(Cursor.parse(next))).as("next never goes back")
            .isGreaterThanOrEqualTo(0);
        break;
      }
      next = page.getString("next");
    }
    JsonObject fromHead = Api.json(api.get(PATH, INTERNAL, "Accept", "application/json"));
    assertThat(fromHead.getJsonArray("events")).as("no cursor: from the head").isEmpty();
  }

  @Test
  @DisplayName("heartbeats are comments, and carry the head as an id-only message once it moved")
  void heartbeatsCarryTheHead() throws Exception {
    try (SseClient stream = SseClient.connect(port, PATH, "Authorization", "Bearer " + INTERNAL)) {
      String atConnect = stream.next(WAIT, Message::isIdOnly).id();
      stream.next(WAIT, m -> !m.comments().isEmpty() && m.id() == null);
      // any write transaction moves the head; the next read of the feed (a poll) and a heartbeat carry it
      login("heartbeat@example.com");
      Message moved = stream.next(WAIT, m -> m.isIdOnly() && !m.id().equals(atConnect));
      assertThat(moved.comments()).as("an id-only heartbeat is a comment as well").isNotEmpty();
      assertThat(Cursor.parse(moved.id()).isAfter(Cursor.parse(atConnect))).isTrue();
    }
  }

  /**
   * The cursor is (xid, seq) of finished transactions, not seq: T1 takes its log entry's seq, T2 takes a later
   * one and commits; a reader that went by seq would hand out a cursor past T2 and never deliver T1's
   * revocation when T1 commits afterwards.
   */
  @Test
  @DisplayName("a revocation committed after a later one is still delivered to a client resuming from any cursor it got")
  void aLateCommitIsNotSkipped() throws Exception {
    JsonObject early = login("early@example.com");
    JsonObject later = login("later@example.com");
    String start = poll(null, "").getString("next");
    try (SseClient stream = SseClient.connect(port, PATH + "?after=" + start, "Authorization", "Bearer " + INTERNAL);
         Connection held = TestPostgres.connect(database)) {
      held.setAutoCommit(false);
      try (PreparedStatement revoke = held.prepareStatement("UPDATE latchkey.sessions SET status = 'revoked', "
          + "revoked_at = now(), revoked_reason = 'held' WHERE session_id = ?")) {
        revoke.setObject(1, UUID.fromString(early.getString("session_id")));
        assertThat(revoke.executeUpdate()).isEqualTo(1);
      }
      long reads = feedReads();
      assertThat(api.delete("/api/v1/admin/sessions/" + later.getString("session_id"), ADMIN).statusCode()).isEqualTo(204);
      // the later revocation's commit woke the feed (NOTIFY), and it has read since
      Eventually.await(WAIT, InvalidationStreamIT::feedReads, n -> n > reads, "a read of the feed after the commit");
      List<String> cursors = new ArrayList<>(List.of(start));
      JsonObject page = poll(start, "");
      cursors.add(page.getString("next"));
      cursors.add(stream.lastEventId());

      held.commit();

      List<Message> events = stream.eventsUntil(WAIT, so -> sessionIds(so).containsAll(
          List.of(early.getString("session_id"), later.getString("session_id"))));
      assertThat(sessionIds(events)).contains(early.getString("session_id"), later.getString("session_id"));
      for (String cursor : cursors) {
        Set<String> got = new HashSet<>();
        Eventually.await(WAIT, () -> {
          got.addAll(sessionIds(poll(cursor, "")));
          return got;
        }, g -> g.contains(early.getString("session_id")), "the held revocation after cursor " + cursor);
      }
    }
  }

  /**
   * Some 6 MB of events (40 transactions of 1000 sessions), more than the kernel buffers on both ends of a
   * loopback connection hold, while one client reads nothing at all.
   */
  @Test
  @DisplayName("a reader that stops reading is dropped; the others get everything and revocations keep being answered")
  void aSlowSubscriberIsDropped() throws Exception {
    double droppedBefore = metric(DROPPED);
    List<String> accounts = new ArrayList<>();
    Set<String> wanted = new HashSet<>();
    try (Connection c = TestPostgres.connect(database); PreparedStatement insert = c.prepareStatement(
        "INSERT INTO latchkey.sessions (session_id, account_id, token_hash) VALUES (?, ?, ?)")) {
      for (int a = 0; a < 40; a++) {
        String account = login("flood-" + a + "@example.com").getString("account_id");
        accounts.add(account);
        for (int i = 0; i < 999; i++) {
          UUID id = UUID.randomUUID();
          insert.setObject(1, id);
          insert.setObject(2, UUID.fromString(account));
          insert.setBytes(3, Tokens.hash(Tokens.generate()).bytes());
          insert.addBatch();
          wanted.add(id.toString());
        }
        insert.executeBatch();
      }
      try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT session_id FROM latchkey.sessions "
          + "WHERE status = 'active' AND account_id IN ('" + String.join("','", accounts) + "')")) {
        while (rs.next()) {
          wanted.add(rs.getString(1));
        }
      }
    }
    List<String> byApi = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byApi.add(login("flood-api-" + i + "@example.com").getString("session_id"));
    }
    wanted.addAll(byApi);
    try (SseClient fast = SseClient.connect(port, PATH, "Authorization", "Bearer " + INTERNAL);
         SseClient slow = SseClient.connect(port, PATH, 2048, "Authorization", "Bearer " + INTERNAL)) {
      fast.next(WAIT, Message::isIdOnly);
      ExecutorService writers = Executors.newFixedThreadPool(2);
      try {
        Future<?> sql = writers.submit(() -> {
          try (Connection c = TestPostgres.connect(database); PreparedStatement revoke = c.prepareStatement(
              "UPDATE latchkey.sessions SET status = 'revoked', revoked_at = now(), revoked_reason = 'flood' "
                  + "WHERE account_id = ? AND status = 'active'")) {
            for (String account : accounts) {
              revoke.setObject(1, UUID.fromString(account));
              assertThat(revoke.executeUpdate()).isEqualTo(1000);
            }
          }
          return null;
        });
        Future<?> answered = writers.submit(() -> {
          for (String id : byApi) {
            assertThat(api.delete("/api/v1/admin/sessions/" + id, ADMIN).statusCode()).isEqualTo(204);
          }
          return null;
        });
        answered.get(30, TimeUnit.SECONDS);
        sql.get(60, TimeUnit.SECONDS);
      } finally {
        writers.shutdownNow();
      }
      Set<String> got = new HashSet<>();
      int[] seen = {0};
      fast.eventsUntil(Duration.ofSeconds(30), so -> {
        got.addAll(sessionIds(so.subList(seen[0], so.size())));
        seen[0] = so.size();
        return got.containsAll(wanted);
      });
      Eventually.await(WAIT, () -> metric(DROPPED), n -> n > droppedBefore, "the slow subscriber dropped");
      assertThat(slow.drainUntilClosed(WAIT)).as("the slow subscriber's connection was closed").isTrue();
      assertThat(fast.ended()).as("the fast subscriber was not dropped").isFalse();
    }
  }

  @Test
  @DisplayName("bad cursors, headers, limits, credentials and media types are precise 4xx problems")
  void badInputIsRefused() throws Exception {
    String head = poll(null, "").getString("next");
    Cursor cursor = Cursor.parse(head);
    String otherVersion = Base64.getUrlEncoder().withoutPadding().encodeToString(
        java.nio.ByteBuffer.allocate(25).put((byte) 2).putLong(cursor.streamId()).putLong(cursor.xid()).array());
    // the last character carries two bits of the cursor; one with any of its four low bits set is not canonical
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    String nonCanonical = head.substring(0, head.length() - 1) + alphabet.charAt(alphabet.indexOf(head.charAt(head.length() - 1)) | 1);
    for (String bad : List.of("", "x", "not-a-cursor", head + "A", head.substring(1), otherVersion, nonCanonical,
        head.substring(0, head.length() - 1) + "+", "%00", "0000000000000000000000000000000000")) {
      problem(api.get(PATH + "?after=" + URLEncoder.encode(bad, StandardCharsets.UTF_8), INTERNAL), 400);
      problem(api.get(PATH + "?after=" + URLEncoder.encode(bad, StandardCharsets.UTF_8), INTERNAL, "Accept",
          "text/event-stream"), 400);
      if (!bad.isEmpty() && !bad.equals("%00")) {
        problem(api.get(PATH, INTERNAL, "Last-Event-ID", bad, "Accept", "text/event-stream"), 400);
      }
    }
    JsonObject page = poll(null, "");
    String other = page.getString("next");
    problem(api.get(PATH + "?after=" + head + "&after=" + head, INTERNAL), 400);
    if (!other.equals(head)) {
      problem(api.get(PATH + "?after=" + head, INTERNAL, "Last-Event-ID", other), 400);
    }
    Cursor elsewhere = new Cursor(cursor.streamId() + 1, cursor.xid(), cursor.seq());
    problem(api.get(PATH + "?after=" + head, INTERNAL, "Last-Event-ID", elsewhere.encode()), 400);
    for (String limit : List.of("0", "1001", "-1", "x", "", "1e2", "99999999999")) {
      problem(api.get(PATH + "?limit=" + limit, INTERNAL), 400);
    }
    problem(api.get(PATH + "?limit=10", INTERNAL, "Accept", "text/event-stream"), 400);
    problem(api.get(PATH, null), 401);
    problem(api.get(PATH, "not-a-key-of-any-kind-0123"), 401);
    problem(api.get(PATH, ADMIN), 403);
    problem(api.get(PATH, INTERNAL, "Accept", "text/html"), 406);
    problem(api.get(PATH, INTERNAL, "Accept", "application/xml, text/plain;q=0.5"), 406);
    assertThat(api.send("POST", PATH, INTERNAL, "{}").statusCode()).isEqualTo(405);

    // a cursor of another database, or beyond anything this one issued: a reset, not an error
    for (Cursor foreign : List.of(elsewhere, new Cursor(cursor.streamId(), cursor.xid() + 1_000_000_000L, 0))) {
      JsonObject reset = poll(foreign.encode(), "");
      assertThat(reset.getJsonArray("events")).hasSize(1);
      assertThat(reset.getJsonArray("events").getJsonObject(0).getString("type")).isEqualTo("reset");
      assertThat(reset.getJsonArray("events").getJsonObject(0).getString("reason")).isEqualTo("unknown-cursor");
      assertThat(Cursor.parse(reset.getString("next")).streamId()).isEqualTo(cursor.streamId());
    }
  }

  @Test
  @DisplayName("beyond INVALIDATION_STREAM_MAX_SUBSCRIBERS a stream is refused with 503 and Retry-After, and a freed place is taken again")
  void subscribersAreBounded() throws Exception {
    Eventually.await(WAIT, () -> metric(SUBSCRIBERS), n -> n == 0, "no stream open");
    List<SseClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        open.add(SseClient.connect(port, PATH, "Authorization", "Bearer " + INTERNAL));
        assertThat(open.get(i).status()).isEqualTo(200);
      }
      try (SseClient refused = SseClient.connect(port, PATH, "Authorization", "Bearer " + INTERNAL)) {
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("retry-after")).isEqualTo("5");
        assertThat(refused.header("content-type")).isEqualTo("application/problem+json");
        assertThat(new JsonObject(refused.errorBody()).getString("type")).isEqualTo("urn:latchkey:problem:overloaded");
      }
      assertThat(api.get(PATH, INTERNAL).statusCode()).as("polls are not streams").isEqualTo(200);
      open.remove(0).close();
      Eventually.await(WAIT, () -> metric(SUBSCRIBERS), n -> n == 5, "a place freed");
      try (SseClient again = SseClient.connect(port, PATH, "Authorization", "Bearer " + INTERNAL)) {
        assertThat(again.status()).isEqualTo(200);
      }
    } finally {
      open.forEach(SseClient::close);
    }
  }

  // ---------------------------------------------------------------------------------------------------

  private static JsonObject login(String email) throws Exception {
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", INTERNAL,
        new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email)).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created);
  }

  private static JsonObject poll(String after, String more) throws Exception {
    HttpResponse<String> page = api.get(PATH + (after == null ? "?" : "?after=" + after) + more, INTERNAL,
        "Accept", "application/json");
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("application/json");
    return Api.json(page);
  }

  private static Set<String> ids(JsonObject... sessions) {
    Set<String> ids = new HashSet<>();
    for (JsonObject s : sessions) {
      ids.add(s.getString("session_id"));
    }
    return ids;
  }

  static List<String> sessionIds(List<Message> events) {
    List<String> ids = new ArrayList<>();
    for (Message m : events) {
      if (m.isEvent() && m.event().equals("revoked")) {
        new JsonObject(m.data()).getJsonArray("sessions").forEach(s -> ids.add(((JsonObject) s).getString("session_id")));
      }
    }
    return ids;
  }

  static List<String> sessionIds(JsonObject page) {
    List<String> ids = new ArrayList<>();
    for (Object e : page.getJsonArray("events")) {
      JsonArray sessions = ((JsonObject) e).getJsonArray("sessions");
      if (sessions != null) {
        sessions.forEach(s -> ids.add(((JsonObject) s).getString("session_id")));
      }
    }
    return ids;
  }

  private static String reason(Map<String, JsonObject> bySession, JsonObject session) {
    return bySession.get(session.getString("session_id")).getString("reason");
  }

  private static JsonObject entry(JsonObject event, String sessionId) {
    for (Object s : event.getJsonArray("sessions")) {
      if (((JsonObject) s).getString("session_id").equals(sessionId)) {
        assertThat(((JsonObject) s).fieldNames()).containsExactlyInAnyOrder("session_id", "account_id", "token_hash");
        return (JsonObject) s;
      }
    }
    throw new AssertionError("no " + sessionId + " in " + event);
  }

  private static void problem(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(Api.json(response).getInteger("status")).isEqualTo(status);
  }

  private static long feedReads() throws Exception {
    return (long) metric(FEED_READS);
  }

  private static double metric(Pattern pattern) throws Exception {
    Matcher m = pattern.matcher(HttpProbe.get(port, "/metrics").body());
    if (!m.find()) {
      throw new AssertionError("no " + pattern + " in the scrape");
    }
    return Double.parseDouble(m.group(1));
  }
}
