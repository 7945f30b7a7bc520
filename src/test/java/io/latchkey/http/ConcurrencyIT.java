package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rounds of concurrent creates, validations and revocations of every kind, sent over HTTP by many client
 * threads to one node on a real PostgreSQL (SPEC §10: provisioning races, double revokes,
 * revoke-while-validating). The interleaving is random; what is asserted after every round holds for
 * every interleaving, checked against the recorded answers (each with its client-side start and end),
 * the API and the database:
 * <ul>
 *   <li>accounts: one account per identity, none without an identity, exactly one create per identity
 *       said {@code account_created}, every 201 is its row in {@code sessions};</li>
 *   <li>revocation: every revocation answered 2xx is in the database; no validation that started after
 *       it was answered accepts the session; no validation rejects a session before any revocation of it
 *       had started; nothing no call asked for is revoked; after the round, the API accepts exactly the
 *       sessions the database holds active;</li>
 *   <li>counts: every row revoked in a round is counted by exactly one call (told apart by the
 *       {@code revoked_reason} each route writes), and rows revoked earlier never change;</li>
 *   <li>answers: no 5xx, every error problem+json, every accepted validation names the right session.</li>
 * </ul>
 */
class ConcurrencyIT {

  private static final Logger LOG = LoggerFactory.getLogger(ConcurrencyIT.class);

  private static final String INTERNAL = "concurrency-internal-key-0123456789";
  private static final String ADMIN = "concurrency-admin-key-0123456789";
  private static final String CREATE_PATH = "/api/v1/internal/sessions";
  private static final String INTROSPECT_PATH = "/api/v1/internal/sessions/introspect";
  private static final String ME_PATH = "/api/v1/user/me";
  private static final String MY_SESSIONS = "/api/v1/user/sessions";
  private static final int THREADS = 24;
  private static final int MIXED_ROUNDS = 4;
  /** Concurrent first logins of each new identity. */
  private static final int BURST = 4;
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  private static DatabaseTarget database;
  private static Application node;
  private static String base;

  /** What the clients learned so far; the worker threads pick their targets from it. */
  private final List<Session> sessions = new CopyOnWriteArrayList<>();
  private final Set<Who> identities = ConcurrentHashMap.newKeySet();
  /** Only steers the picking of targets (mostly live ones); never asserted on. */
  private final Set<UUID> believedRevoked = ConcurrentHashMap.newKeySet();
  private final Queue<Call> log = new ConcurrentLinkedQueue<>();
  private volatile int round;
  private volatile boolean sweeping;

  @BeforeAll
  static void start() throws Exception {
    database = TestPostgres.freshDatabase();
    node = Application.start(TestConfig.forDatabase(database, Map.of(
        "INTERNAL_API_KEYS", INTERNAL,
        "ADMIN_API_KEYS", ADMIN,
        "HTTP_INSTANCES", 2,
        // every client is 127.0.0.1, and rejected tokens are part of the game
        "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 0,
        "RATE_LIMIT_PUBLIC_PER_SECOND", 0,
        "ACCESS_LOG", false,
        // far fewer than the sessions: validations take the database path too, and tombstones get evicted
        "SESSION_CACHE_MAX_ENTRIES", 32)));
    base = "http://127.0.0.1:" + node.httpPort();
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.stop();
    }
  }

  @Test
  @DisplayName("concurrent creates, validations and revocations of every kind leave accounts, sessions and answers consistent")
  void everyRoundOfRacingCallsKeepsTheInvariants() throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(THREADS);
    try {
      Snapshot before = Snapshot.read(database);
      for (int r = 0; r <= MIXED_ROUNDS; r++) {
        round = r;
        Set<UUID> adminRevokeAllAccounts = r == 0 ? Set.of() : pickAccounts(3);
        List<Op> plan = r == 0 ? seedPlan() : mixedPlan(adminRevokeAllAccounts);
        long started = System.nanoTime();
        run(workers, plan);
        Snapshot after = Snapshot.read(database);
        sweep(workers, after);

        List<String> violations = new ArrayList<>();
        checkAnswers(violations);
        checkAccounts(after, violations);
        checkRevocationCounts(adminRevokeAllAccounts, before, after, violations);
        long raced = checkTimeline(after, violations);
        checkSweep(after, violations);
        LOG.info("round {}: {} in {} ms; {} sessions ({} revoked), {} identities; {} requests so far overlapped a "
            + "revocation of their session", r, kindCounts(), (System.nanoTime() - started) / 1_000_000,
            after.sessions().size(), after.sessions().values().stream().filter(row -> !row.active()).count(),
            after.identities().size(), raced);
        assertThat(violations).as("invariants after round %d", r).isEmpty();
        before = after;
      }
    } finally {
      workers.shutdownNow();
    }
  }

  // ---- the rounds ----

  /** Round 0: first logins only, bursts per new identity plus logins of identities already known. */
  private List<Op> seedPlan() {
    List<Op> plan = new ArrayList<>();
    List<Who> fresh = newIdentities(8);
    fresh.forEach(who -> plan.add(() -> firstLogins(who)));
    repeat(plan, 16, () -> loginAgain(fresh));
    Collections.shuffle(plan);
    return plan;
  }

  /**
   * A mixed round. Admin revoke-all goes to {@code adminRevokeAllAccounts} and admin single revokes to
   * other accounts only: both write the same reason, and the counts check must tell them apart.
   */
  private List<Op> mixedPlan(Set<UUID> adminRevokeAllAccounts) {
    List<Op> plan = new ArrayList<>();
    List<Who> fresh = newIdentities(5);
    fresh.forEach(who -> plan.add(() -> firstLogins(who)));
    repeat(plan, 16, () -> loginAgain(fresh));
    repeat(plan, 50, this::validateWithMe);
    repeat(plan, 50, this::introspect);
    repeat(plan, 8, this::logOut);
    repeat(plan, 8, this::revokeOwnSession);
    repeat(plan, 4, this::revokeSomeoneElsesSession);
    repeat(plan, 3, () -> logOutEverywhere(true));
    repeat(plan, 2, () -> logOutEverywhere(false));
    repeat(plan, 4, () -> adminRevokesTwiceAtOnce(adminRevokeAllAccounts));
    plan.add(this::adminRevokesUnknownSession);
    adminRevokeAllAccounts.forEach(account -> plan.add(() -> adminRevokesAll(account)));
    plan.add(() -> adminRevokesAll(UUID.randomUUID()));
    Collections.shuffle(plan);
    return plan;
  }

  private List<Who> newIdentities(int n) {
    List<Who> fresh = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fresh.add(i % 3 == 2
          ? new Who("telegram", Long.toString(7_000_000L + round * 100L + i))
          : new Who("email", "r" + round + "-u" + i + "@example.com"));
    }
    return fresh;
  }

  /** Several first logins of one new identity at the same moment. */
  private void firstLogins(Who who) {
    List<CompletableFuture<Call>> burst = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      burst.add(create(who));
    }
    burst.forEach(CompletableFuture::join);
  }

  /** A login of an identity known from a 201, or else (early in round 0) of one of this round's new ones. */
  private void loginAgain(List<Who> fresh) {
    create(identities.isEmpty() ? random(fresh) : random(List.copyOf(identities))).join();
  }

  private CompletableFuture<Call> create(Who who) {
    JsonObject body = new JsonObject().put("identity", who.json()).put("device", "round " + round);
    return send(Kind.CREATE, Target.identity(who), "POST", CREATE_PATH, INTERNAL, body.encode());
  }

  private void validateWithMe() {
    Session s = validationTarget();
    send(Kind.ME, Target.presenting(s), "GET", ME_PATH, s.token(), null).join();
  }

  private void introspect() {
    Session s = validationTarget();
    send(Kind.INTROSPECT, Target.presenting(s), "POST", INTROSPECT_PATH, INTERNAL,
        new JsonObject().put("token", s.token()).encode()).join();
  }

  private void logOut() {
    Session me = liveSession(s -> true);
    send(Kind.LOGOUT, Target.presenting(me), "DELETE", MY_SESSIONS + "/current", me.token(), null).join();
  }

  /** One of my sessions, maybe this one, maybe one already revoked (404). */
  private void revokeOwnSession() {
    Session me = liveSession(s -> true);
    Session target = random(sessionsOf(me.account()));
    send(Kind.REVOKE_OWN, Target.acting(me, target), "DELETE", MY_SESSIONS + "/" + target.id(), me.token(), null)
        .join();
  }

  private void revokeSomeoneElsesSession() {
    Session me = liveSession(s -> true);
    Session target = random(sessions.stream().filter(s -> !s.account().equals(me.account())).toList());
    send(Kind.REVOKE_FOREIGN, Target.acting(me, target), "DELETE", MY_SESSIONS + "/" + target.id(), me.token(),
        null).join();
  }

  private void logOutEverywhere(boolean keepCurrent) {
    Session me = liveSession(s -> true);
    send(keepCurrent ? Kind.REVOKE_ALL_KEEP : Kind.REVOKE_ALL, Target.presenting(me), "DELETE",
        MY_SESSIONS + (keepCurrent ? "?keep_current=true" : ""), me.token(), null).join();
  }

  /** The same session revoked by two admin calls at once: both must answer 204. */
  private void adminRevokesTwiceAtOnce(Set<UUID> notTheseAccounts) {
    Session target = liveSession(s -> !notTheseAccounts.contains(s.account()));
    String path = "/api/v1/admin/sessions/" + target.id();
    CompletableFuture<Call> first = send(Kind.ADMIN_REVOKE, Target.acting(null, target), "DELETE", path, ADMIN, null);
    CompletableFuture<Call> second = send(Kind.ADMIN_REVOKE, Target.acting(null, target), "DELETE", path, ADMIN, null);
    first.join();
    second.join();
  }

  private void adminRevokesUnknownSession() {
    send(Kind.ADMIN_REVOKE_UNKNOWN, Target.account(null), "DELETE", "/api/v1/admin/sessions/" + UUID.randomUUID(),
        ADMIN, null).join();
  }

  private void adminRevokesAll(UUID account) {
    boolean known = sessions.stream().anyMatch(s -> s.account().equals(account));
    send(known ? Kind.ADMIN_REVOKE_ALL : Kind.ADMIN_REVOKE_ALL_UNKNOWN, Target.account(account), "POST",
        "/api/v1/admin/accounts/" + account + "/sessions/revoke", ADMIN, null).join();
  }

  /**
   * After a round, with nothing else running: every session through {@code /user/me} and introspection,
   * and every identity and account through the admin API.
   */
  private void sweep(ExecutorService workers, Snapshot after) throws Exception {
    sweeping = true;
    List<Op> plan = new ArrayList<>();
    for (Session s : sessions) {
      plan.add(() -> send(Kind.ME, Target.presenting(s), "GET", ME_PATH, s.token(), null).join());
      plan.add(() -> send(Kind.INTROSPECT, Target.presenting(s), "POST", INTROSPECT_PATH, INTERNAL,
          new JsonObject().put("token", s.token()).encode()).join());
    }
    for (Who who : identities) {
      plan.add(() -> send(Kind.ACCOUNT_BY_IDENTITY, Target.identity(who), "GET",
          "/api/v1/admin/accounts?kind=" + who.kind() + "&subject=" + who.subject(), ADMIN, null).join());
    }
    for (UUID account : new HashSet<>(after.identities().values())) {
      plan.add(() -> send(Kind.ACCOUNT_SESSIONS, Target.account(account), "GET",
          "/api/v1/admin/accounts/" + account + "/sessions", ADMIN, null).join());
    }
    run(workers, plan);
    sweeping = false;
  }

  private void run(ExecutorService workers, List<Op> plan) throws Exception {
    List<Callable<Void>> tasks = plan.stream().<Callable<Void>>map(op -> () -> {
      op.run();
      return null;
    }).toList();
    for (Future<Void> task : workers.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
      assertThat(task.isCancelled()).as("round %d did not finish within 60 s", round).isFalse();
      task.get();
    }
  }

  // ---- sending and learning ----

  private CompletableFuture<Call> send(Kind kind, Target on, String method, String path, String key, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Authorization", "Bearer " + key);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    int inRound = round;
    boolean inSweep = sweeping;
    long start = System.nanoTime();
    return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
      Call call = new Call(inRound, inSweep, kind, on, start, System.nanoTime(), response, error);
      log.add(call);
      learn(call);
      return call;
    });
  }

  /** What a client learns from an answer: a new session, or that a session is (probably) gone. */
  private void learn(Call call) {
    if (call.response() == null) {
      return;
    }
    int status = call.status();
    switch (call.kind()) {
      case CREATE -> {
        if (status == 201) {
          JsonObject created = call.json();
          sessions.add(new Session(UUID.fromString(created.getString("session_id")),
              UUID.fromString(created.getString("account_id")), created.getString("token"), call.on().who(),
              call.start(), call.end()));
          identities.add(call.on().who());
        }
      }
      case LOGOUT -> {
        if (status == 204) {
          believedRevoked.add(call.on().presented().id());
        }
      }
      case REVOKE_OWN, ADMIN_REVOKE -> {
        if (status == 204 || status == 404) {
          believedRevoked.add(call.on().target().id());
        }
      }
      case REVOKE_ALL, REVOKE_ALL_KEEP -> {
        if (status == 200) {
          sessionsOf(call.on().presented().account()).stream()
              .filter(s -> call.kind() == Kind.REVOKE_ALL || !s.equals(call.on().presented()))
              .forEach(s -> believedRevoked.add(s.id()));
        }
      }
      case ADMIN_REVOKE_ALL -> sessionsOf(call.on().account()).forEach(s -> believedRevoked.add(s.id()));
      default -> { }
    }
    if (call.on().presented() != null && !call.accepted()) {
      believedRevoked.add(call.on().presented().id());
    }
  }

  private Session validationTarget() {
    return ThreadLocalRandom.current().nextBoolean() ? liveSession(s -> true) : random(sessions);
  }

  /** A session not known to be revoked, among those the filter allows (any allowed one when none is). */
  private Session liveSession(Predicate<Session> allowed) {
    List<Session> candidates = sessions.stream().filter(allowed).toList();
    List<Session> live = candidates.stream().filter(s -> !believedRevoked.contains(s.id())).toList();
    return random(live.isEmpty() ? candidates : live);
  }

  private List<Session> sessionsOf(UUID account) {
    return sessions.stream().filter(s -> s.account().equals(account)).toList();
  }

  private Set<UUID> pickAccounts(int n) {
    List<UUID> accounts = new ArrayList<>(sessions.stream().map(Session::account).distinct().toList());
    Collections.shuffle(accounts);
    return Set.copyOf(accounts.subList(0, n));
  }

  // ---- the invariants ----

  /** Every answer of the round: an expected status, errors as problem+json, and the right content. */
  private void checkAnswers(List<String> violations) {
    for (Call call : roundCalls(c -> true)) {
      if (call.response() == null) {
        violations.add(call + ": no answer: " + call.error());
        continue;
      }
      int status = call.status();
      if (!call.kind().allowed.contains(status)) {
        violations.add(call + ": unexpected status, body " + call.response().body());
        continue;
      }
      if (status >= 400) {
        checkProblem(call, violations);
        continue;
      }
      try {
        checkContent(call, violations);
      } catch (RuntimeException e) {
        violations.add(call + ": unreadable answer " + call.response().body() + " (" + e + ")");
      }
    }
  }

  private static void checkProblem(Call call, List<String> violations) {
    HttpResponse<String> response = call.response();
    if (!response.headers().firstValue("content-type").orElse("").equals("application/problem+json")) {
      violations.add(call + ": not problem+json: " + response.headers().firstValue("content-type"));
      return;
    }
    JsonObject problem;
    try {
      problem = new JsonObject(response.body());
    } catch (RuntimeException e) {
      violations.add(call + ": problem body is not JSON: " + response.body());
      return;
    }
    if (!problem.fieldNames().equals(Set.of("type", "title", "status", "detail"))
        || !Integer.valueOf(call.status()).equals(problem.getInteger("status"))) {
      violations.add(call + ": malformed problem " + problem.encode());
    }
    if (call.status() == 401 && !response.headers().firstValue("www-authenticate").orElse("").startsWith("Bearer")) {
      violations.add(call + ": 401 without WWW-Authenticate: Bearer");
    }
  }

  private static void checkContent(Call call, List<String> violations) {
    Session presented = call.on().presented();
    switch (call.kind()) {
      case CREATE -> {
        JsonObject created = call.json();
        if (!created.fieldNames().equals(Set.of("token", "session_id", "account_id", "account_created"))
            || !created.getString("token").startsWith("lk_")) {
          violations.add(call + ": malformed create answer " + created.fieldNames());
        }
      }
      case ME -> {
        JsonObject me = call.json();
        JsonArray expected = new JsonArray().add(presented.who().json());
        if (!presented.account().toString().equals(me.getString("account_id"))
            || !presented.id().toString().equals(me.getString("session_id"))
            || !expected.equals(me.getJsonArray("identities"))) {
          violations.add(call + ": /user/me named someone else: " + me.encode());
        }
      }
      case INTROSPECT -> {
        JsonObject answer = call.json();
        boolean wellFormed = answer.getBoolean("active")
            ? presented.account().toString().equals(answer.getString("sub"))
                && presented.id().toString().equals(answer.getString("sid"))
            : answer.fieldNames().equals(Set.of("active"));
        if (!wellFormed) {
          violations.add(call + ": introspection named someone else: " + answer.encode());
        }
      }
      case REVOKE_ALL, REVOKE_ALL_KEEP, ADMIN_REVOKE_ALL -> {
        JsonObject answer = call.json();
        if (!answer.fieldNames().equals(Set.of("revoked")) || answer.getInteger("revoked") < 0) {
          violations.add(call + ": malformed revoke-all answer " + answer.encode());
        }
      }
      case LOGOUT, REVOKE_OWN, ADMIN_REVOKE -> {
        if (!call.response().body().isEmpty()) {
          violations.add(call + ": 204 with a body");
        }
      }
      default -> { }
    }
  }

  /**
   * One account per identity, holding it and nothing else; exactly one create per identity said it
   * created the account; every 201 is its row; no account without an identity.
   */
  private void checkAccounts(Snapshot db, List<String> violations) {
    Map<Who, List<JsonObject>> createsByIdentity = new HashMap<>();
    long created = 0;
    for (Call call : log) {
      if (call.kind() == Kind.CREATE && call.status() == 201) {
        JsonObject answer = call.json();
        createsByIdentity.computeIfAbsent(call.on().who(), k -> new ArrayList<>()).add(answer);
        created++;
        Row row = db.sessions().get(UUID.fromString(answer.getString("session_id")));
        if (row == null || !row.account().toString().equals(answer.getString("account_id"))) {
          violations.add(call + ": created session " + answer.getString("session_id") + " is not in the database as "
              + "answered (" + row + ")");
        }
      }
    }
    createsByIdentity.forEach((who, answers) -> {
      Set<String> accounts = answers.stream().map(a -> a.getString("account_id")).collect(Collectors.toSet());
      long said = answers.stream().filter(a -> a.getBoolean("account_created")).count();
      if (accounts.size() != 1 || said != 1) {
        violations.add(who + ": " + answers.size() + " creates answered accounts " + accounts + ", " + said
            + " said account_created");
      } else if (!db.identities().containsKey(who)
          || !db.identities().get(who).toString().equals(accounts.iterator().next())) {
        violations.add(who + ": database says account " + db.identities().get(who) + ", creates said " + accounts);
      }
    });
    if (db.identities().size() != createsByIdentity.size() || db.accounts() != createsByIdentity.size()
        || db.orphanAccounts() != 0 || db.sessions().size() != created) {
      violations.add("database holds " + db.accounts() + " accounts (" + db.orphanAccounts() + " without identity), "
          + db.identities().size() + " identities, " + db.sessions().size() + " sessions; the clients made "
          + createsByIdentity.size() + " identities and " + created + " sessions");
    }
  }

  /**
   * Each row revoked during the round is counted by exactly one call: the revoke-all answers add up to
   * the rows carrying their reason; a user's single revoke says 204 exactly for the rows it revoked;
   * a logout or admin revoke (both idempotent, so 204 says nothing about who was first) only revoked
   * what they were aimed at. Rows revoked before the round keep their status, time and reason.
   */
  private void checkRevocationCounts(Set<UUID> adminRevokeAllAccounts, Snapshot before, Snapshot after,
      List<String> violations) {
    Map<String, List<UUID>> newlyByReason = new HashMap<>();
    after.sessions().forEach((id, row) -> {
      Row earlier = before.sessions().get(id);
      if (earlier != null && !earlier.active()) {
        if (!earlier.equals(row)) {
          violations.add("session " + id + " was revoked before the round as " + earlier + ", is now " + row);
        }
      } else if (!row.active()) {
        newlyByReason.computeIfAbsent(row.reason(), k -> new ArrayList<>()).add(id);
      }
    });
    long userRevokeAll = 0;
    long adminRevokeAll = 0;
    List<UUID> ownRevoked = new ArrayList<>();
    Set<UUID> loggedOut = new HashSet<>();
    Set<UUID> adminRevoked = new HashSet<>();
    for (Call call : roundCalls(c -> c.response() != null && c.status() / 100 == 2)) {
      switch (call.kind()) {
        case REVOKE_ALL, REVOKE_ALL_KEEP -> userRevokeAll += call.json().getInteger("revoked");
        case ADMIN_REVOKE_ALL -> adminRevokeAll += call.json().getInteger("revoked");
        case REVOKE_OWN -> ownRevoked.add(call.on().target().id());
        case LOGOUT -> loggedOut.add(call.on().presented().id());
        case ADMIN_REVOKE -> adminRevoked.add(call.on().target().id());
        default -> { }
      }
    }
    List<UUID> byAdmin = newlyByReason.getOrDefault("revoked-by-admin", List.of());
    List<UUID> byAdminRevokeAll = byAdmin.stream()
        .filter(id -> adminRevokeAllAccounts.contains(after.sessions().get(id).account())).toList();
    List<UUID> byAdminSingle = byAdmin.stream().filter(id -> !byAdminRevokeAll.contains(id)).toList();

    if (!Set.of("logout", "revoked-by-user", "logout-everywhere", "revoked-by-admin")
        .containsAll(newlyByReason.keySet())) {
      violations.add("revocation reasons nobody writes: " + newlyByReason.keySet());
    }
    expectCount(violations, "user revoke-all answers vs rows revoked by them", userRevokeAll,
        newlyByReason.getOrDefault("logout-everywhere", List.of()).size());
    expectCount(violations, "admin revoke-all answers vs rows revoked by them", adminRevokeAll,
        byAdminRevokeAll.size());
    List<UUID> byUserSingle = newlyByReason.getOrDefault("revoked-by-user", List.of());
    if (!new HashSet<>(byUserSingle).equals(new HashSet<>(ownRevoked)) || ownRevoked.size() != byUserSingle.size()) {
      violations.add("user single revokes answered 204 for " + ownRevoked + " but revoked " + byUserSingle);
    }
    List<UUID> strayLogouts = newlyByReason.getOrDefault("logout", List.of()).stream()
        .filter(id -> !loggedOut.contains(id)).toList();
    List<UUID> strayAdmin = byAdminSingle.stream().filter(id -> !adminRevoked.contains(id)).toList();
    if (!strayLogouts.isEmpty() || !strayAdmin.isEmpty()) {
      violations.add("revoked without a 204 aimed at them: by logout " + strayLogouts + ", by admin " + strayAdmin);
    }
  }

  private static void expectCount(List<String> violations, String what, long answered, long rows) {
    if (answered != rows) {
      violations.add(what + ": answers say " + answered + ", rows " + rows);
    }
  }

  /**
   * Orders every validation (and every request authenticated by a session) against the revocations, by
   * client-side time: a validation that started after a revocation of its session was answered rejects
   * it; one that ended before any revocation of it started, or of a session the database holds active,
   * accepts it. A revocation answered 2xx is in the database, and every revoked row was asked for.
   *
   * @return how many requests overlapped a revocation of their session (either answer was right)
   */
  private long checkTimeline(Snapshot db, List<String> violations) {
    Map<UUID, Long> revokedBy = new HashMap<>();
    Map<UUID, Long> revocationStarted = new HashMap<>();
    for (Call call : log) {
      if (call.response() == null || call.status() / 100 != 2) {
        continue;
      }
      for (Session s : aimedAt(call)) {
        if (s.createEnd() < call.start()) {
          revokedBy.merge(s.id(), call.end(), Math::min);
        }
        if (s.createStart() < call.end()) {
          revocationStarted.merge(s.id(), call.start(), Math::min);
        }
      }
    }
    revokedBy.forEach((id, at) -> {
      if (db.sessions().containsKey(id) && db.sessions().get(id).active()) {
        violations.add("session " + id + ": a revocation was answered, the database says active");
      }
    });
    db.sessions().forEach((id, row) -> {
      if (!row.active() && !revocationStarted.containsKey(id)) {
        violations.add("session " + id + ": revoked in the database, no call asked for it");
      }
    });
    long raced = 0;
    for (Call call : log) {
      Session s = call.on().presented();
      if (s == null || call.response() == null || !call.kind().allowed.contains(call.status())
          || !db.sessions().containsKey(s.id())) {
        continue; // reported by checkAnswers and checkAccounts
      }
      Long revoked = revokedBy.get(s.id());
      Long started = revocationStarted.get(s.id());
      boolean active = db.sessions().get(s.id()).active();
      if (started != null && call.end() > started && (revoked == null || call.start() < revoked)) {
        raced++;
      }
      if (call.accepted() && revoked != null && call.start() > revoked) {
        violations.add(call + ": accepted the session " + (call.start() - revoked) / 1000 + " µs after its "
            + "revocation was answered");
      }
      if (!call.accepted() && (active || started == null || call.end() < started)) {
        violations.add(call + ": rejected the session though no revocation of it had started (database: "
            + db.sessions().get(s.id()) + ")");
      }
      if (call.kind() == Kind.REVOKE_OWN && call.status() == 404) {
        Long targetStarted = revocationStarted.get(call.on().target().id());
        if (targetStarted == null || call.end() < targetStarted) {
          violations.add(call + ": 404 for an own session no revocation had started on");
        }
      }
    }
    return raced;
  }

  /** The sessions a 2xx revocation was aimed at (for revoke-all: every session of the account, but the kept one). */
  private List<Session> aimedAt(Call call) {
    return switch (call.kind()) {
      case LOGOUT -> List.of(call.on().presented());
      case REVOKE_OWN, ADMIN_REVOKE -> List.of(call.on().target());
      case REVOKE_ALL -> sessionsOf(call.on().presented().account());
      case REVOKE_ALL_KEEP -> sessionsOf(call.on().presented().account()).stream()
          .filter(s -> !s.equals(call.on().presented())).toList();
      case ADMIN_REVOKE_ALL -> sessionsOf(call.on().account());
      default -> List.of();
    };
  }

  /** After the round: the API accepts exactly the sessions the database holds active, and agrees on accounts. */
  private void checkSweep(Snapshot db, List<String> violations) {
    for (Call call : roundCalls(c -> c.sweep() && c.response() != null && c.kind().allowed.contains(c.status()))) {
      switch (call.kind()) {
        case ME, INTROSPECT -> {
          Session s = call.on().presented();
          if (db.sessions().containsKey(s.id()) && call.accepted() != db.sessions().get(s.id()).active()) {
            violations.add(call + ": after the round, " + (call.accepted() ? "accepted" : "rejected")
                + " a session the database holds " + db.sessions().get(s.id()).status());
          }
        }
        case ACCOUNT_BY_IDENTITY -> {
          Who who = call.on().who();
          JsonObject account = call.json();
          if (!account.getString("account_id").equals(String.valueOf(db.identities().get(who)))
              || !account.getJsonArray("identities").equals(new JsonArray().add(who.json()))) {
            violations.add(call + ": admin lookup of " + who + " answered " + account.encode());
          }
        }
        case ACCOUNT_SESSIONS -> {
          Map<UUID, String> listed = new HashMap<>();
          call.json().getJsonArray("sessions").forEach(o -> {
            JsonObject s = (JsonObject) o;
            listed.put(UUID.fromString(s.getString("session_id")), s.getString("status"));
          });
          Map<UUID, String> stored = new HashMap<>();
          db.sessions().forEach((id, row) -> {
            if (row.account().equals(call.on().account())) {
              stored.put(id, row.status());
            }
          });
          if (!listed.equals(stored)) {
            violations.add(call + ": admin listing " + listed + " differs from the database " + stored);
          }
        }
        default -> { }
      }
    }
  }

  private List<Call> roundCalls(Predicate<Call> filter) {
    int current = round;
    return log.stream().filter(c -> c.round() == current).filter(filter).toList();
  }

  private Map<Kind, Long> kindCounts() {
    Map<Kind, Long> counts = new EnumMap<>(Kind.class);
    roundCalls(c -> !c.sweep()).forEach(c -> counts.merge(c.kind(), 1L, Long::sum));
    return counts;
  }

  // ---- plumbing ----

  private static void repeat(List<Op> plan, int times, Op op) {
    for (int i = 0; i < times; i++) {
      plan.add(op);
    }
  }

  private static <T> T random(List<T> list) {
    return list.get(ThreadLocalRandom.current().nextInt(list.size()));
  }

  @FunctionalInterface
  private interface Op {
    void run() throws Exception;
  }

  /** What each kind of call may answer; anything else (a 5xx above all) is a violation. */
  private enum Kind {
    CREATE(201), ME(200, 401), INTROSPECT(200),
    LOGOUT(204, 401), REVOKE_OWN(204, 404, 401), REVOKE_FOREIGN(404, 401),
    REVOKE_ALL(200, 401), REVOKE_ALL_KEEP(200, 401),
    ADMIN_REVOKE(204), ADMIN_REVOKE_UNKNOWN(404), ADMIN_REVOKE_ALL(200), ADMIN_REVOKE_ALL_UNKNOWN(404),
    ACCOUNT_BY_IDENTITY(200), ACCOUNT_SESSIONS(200);

    final Set<Integer> allowed;

    Kind(Integer... allowed) {
      this.allowed = Set.of(allowed);
    }
  }

  private record Who(String kind, String subject) {
    JsonObject json() {
      return new JsonObject().put("kind", kind).put("subject", subject);
    }
  }

  /** A session a client holds, with when its create was sent and answered. */
  private record Session(UUID id, UUID account, String token, Who who, long createStart, long createEnd) {
    @Override
    public String toString() {
      return "session " + id;
    }
  }

  /**
   * What a call is about: the identity it logs in, the session whose token it presents (as bearer or to
   * introspect), the session it revokes, the account it acts on.
   */
  private record Target(Who who, Session presented, Session target, UUID account) {
    static Target identity(Who who) {
      return new Target(who, null, null, null);
    }

    static Target presenting(Session s) {
      return new Target(null, s, null, null);
    }

    static Target acting(Session presented, Session target) {
      return new Target(null, presented, target, null);
    }

    static Target account(UUID account) {
      return new Target(null, null, null, account);
    }
  }

  private record Call(int round, boolean sweep, Kind kind, Target on, long start, long end,
      HttpResponse<String> response, Throwable error) {

    int status() {
      return response.statusCode();
    }

    JsonObject json() {
      return new JsonObject(response.body());
    }

    /** Whether the presented session was taken as valid. */
    boolean accepted() {
      return kind == Kind.INTROSPECT ? status() == 200 && json().getBoolean("active", false) : status() != 401;
    }

    @Override
    public String toString() {
      return "round " + round + (sweep ? " sweep " : " ") + kind
          + (on.presented() == null ? "" : " presenting " + on.presented())
          + (on.target() == null ? "" : " on " + on.target())
          + (response == null ? "" : ": " + response.request().method() + " " + response.request().uri().getRawPath()
          + " -> " + status());
    }
  }

  /** What the database holds for one session. */
  private record Row(UUID account, String status, String reason, String revokedAt) {
    boolean active() {
      return status.equals("active");
    }
  }

  private record Snapshot(Map<UUID, Row> sessions, Map<Who, UUID> identities, long accounts, long orphanAccounts) {

    static Snapshot read(DatabaseTarget database) throws SQLException {
      try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
        Map<UUID, Row> sessions = new HashMap<>();
        try (ResultSet rs = s.executeQuery(
            "SELECT session_id, account_id, status, revoked_reason, revoked_at::text FROM latchkey.sessions")) {
          while (rs.next()) {
            sessions.put(rs.getObject(1, UUID.class), new Row(rs.getObject(2, UUID.class), rs.getString(3),
                rs.getString(4), rs.getString(5)));
          }
        }
        Map<Who, UUID> identities = new HashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT kind, subject, account_id FROM latchkey.identities")) {
          while (rs.next()) {
            identities.put(new Who(rs.getString(1), rs.getString(2)), rs.getObject(3, UUID.class));
          }
        }
        long accounts = single(s, "SELECT count(*) FROM latchkey.accounts");
        long orphans = single(s, "SELECT count(*) FROM latchkey.accounts a WHERE NOT EXISTS "
            + "(SELECT 1 FROM latchkey.identities i WHERE i.account_id = a.account_id)");
        return new Snapshot(sessions, identities, accounts, orphans);
      }
    }

    private static long single(Statement s, String sql) throws SQLException {
      try (ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
