package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.latchkey.Application;
import io.latchkey.auth.signature.Ed25519;
import io.latchkey.client.RequestSigner;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.http.HostileRequests.Header;
import io.latchkey.http.HostileRequests.Lookalike;
import io.latchkey.http.HostileRequests.Request;
import io.latchkey.http.HostileRequests.Wire;
import io.latchkey.session.DeviceLabel;
import io.latchkey.testing.Api;
import io.latchkey.testing.DatabaseFingerprint;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.RawHttp;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile input (issue 9, SPEC §5 and §10): random JSON bodies, headers, credentials, paths, query strings
 * and ids at every route of one real node on a real PostgreSQL, plus raw bytes at its HTTP parser. Whatever
 * arrives, the node answers within a timeout, never with a 5xx; every error is an RFC 9457 problem whose
 * {@code status} is the HTTP status; no credential sent comes back; and a rejected request changes nothing in
 * the database.
 *
 * <p><b>How "changes nothing" is checked.</b> Each try takes a {@link DatabaseFingerprint} (row counts and a
 * checksum of every row of accounts, identities and sessions) before and after its request. A difference is
 * allowed only after an <em>accepted write</em>: a POST or DELETE answered 2xx. The generators aim at
 * rejections (broken bodies, bent ids, wrong credentials, garbage signatures), but they also carry the real
 * credentials to reach the handlers behind the guards, so now and then a request is simply valid: a
 * well-formed create, a logout with the real token, an admin revoke of a known session. Those are accounted
 * for rather than excluded, because excluding them by construction would also keep the fuzzer away from
 * the very handlers it should reach: after an accepted write the run re-creates whatever fixture it spent
 * (a revoked token, an account that gained sessions) and carries on from the new state. Any other change
 * (a 4xx, a GET, a connection dropped without an answer) fails the try. The statistics printed with each
 * property show how rare accepted writes are ("database" label). The fingerprint leaves out
 * {@code sessions.last_seen_at} alone: any request that authenticates may move it, whatever comes after.
 *
 * <p>Seeds: jqwik prints each property's seed; {@code -Dhostile.seed=<seed>} re-runs with it, and
 * {@code -Dhostile.tries=<n>} runs a longer campaign (see the README).
 */
@AddLifecycleHook(value = HostileInputIT.SeedAndTriesFromSystemProperties.class,
    propagateTo = PropagationMode.DIRECT_DESCENDANTS)
class HostileInputIT {

  private static final String INTERNAL = "hostile-internal-key-0123456789";
  private static final String ADMIN = "hostile-admin-key-0123456789";
  private static final int MAX_BODY = 4096;
  /** Far above any honest answer (the event-bus timeout is 5 s): reaching it means the request hung. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern UNSUPPORTED_VERSION =
      Pattern.compile("[^ \\r\\n]+ [^ \\r\\n]+ ([^ /\\r\\n]+/\\d+\\.\\d+)\\r?\\n");
  private static final Pattern REQUEST_SERIES =
      Pattern.compile("^latchkey_http_server_requests_seconds_count\\{(.*)} (\\S+)$", Pattern.MULTILINE);
  /** Standard methods (else OTHER), route templates or a tier's wildcard (else "unmatched"), three-digit statuses. */
  private static final Pattern BOUNDED_LABELS = Pattern.compile("method=\"(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|TRACE"
      + "|CONNECT|OTHER)\",route=\"\\1 (/[a-z0-9/{}._*-]*|unmatched)\",status=\"[1-5][0-9][0-9]\"");
  private static final Pattern LOOKALIKE_TOKEN = Pattern.compile("lk_[A-Za-z0-9_-]{20,}");

  private static DatabaseTarget database;
  private static Application node;
  private static Connection jdbc;
  private static HttpClient client;
  private static Fixtures fixtures;
  private static Map<String, String> serverErrorsAtStart;
  private static GreenMail smtp;

  @BeforeContainer
  static void start() throws Exception {
    database = TestPostgres.freshDatabase();
    // logins configured, so their routes answer what their input deserves instead of 503 not configured
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    smtp.start();
    node = Application.start(TestConfig.forDatabase(database, Map.of(
        "INTERNAL_API_KEYS", INTERNAL,
        "ADMIN_API_KEYS", ADMIN,
        "HTTP_MAX_BODY_BYTES", MAX_BODY,
        "SMTP_URL", "smtp://127.0.0.1:" + smtp.getSmtp().getPort() + "?starttls=disabled",
        "LOGIN_CODE_SECRET", "a-fuzz-secret-of-at-least-32-characters",
        "TELEGRAM_BOT_TOKEN", "123456:fuzz-bot-token-0123456789abcdef",
        // the fuzzer is one address sending mostly failures: rate limits would answer 429 before the handlers
        "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 0,
        "RATE_LIMIT_PUBLIC_PER_SECOND", 0,
        "RATE_LIMIT_LOGIN_PER_IDENTITY_PER_MINUTE", 0,
        // forward auth reads what the fuzzer says about the original request (it is the proxy here)
        "FORWARD_AUTH_TRUSTED_PROXIES", "127.0.0.1")));
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
    serverErrorsAtStart = serverErrors(requestSeries());
    jdbc = TestPostgres.connect(database);
    try (Statement s = jdbc.createStatement()) {
      s.execute("SET search_path = latchkey");
    }
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    fixtures = new Fixtures(new Api(node.httpPort()));
  }

  @AfterContainer
  static void stop() throws Exception {
    if (jdbc != null) {
      jdbc.close();
    }
    if (node != null) {
      node.stop();
    }
    if (smtp != null) {
      smtp.stop();
    }
  }

  @Provide
  Arbitrary<Request> requests() {
    return HostileRequests.requests();
  }

  @Provide
  Arbitrary<Wire> wire() {
    return HostileRequests.wire();
  }

  @Provide
  Arbitrary<Lookalike> lookalikes() {
    return HostileRequests.lookalikes();
  }

  @Provide
  Arbitrary<String> deviceLabels() {
    return HostileRequests.unicodeEdge().injectNull(0.3);
  }

  /**
   * SPEC §2's identity rule from outside: a subject reaches a fixture's account, by admin lookup or by a create,
   * exactly when it is the same identity (surrounding ASCII whitespace, ASCII case, the two forms of an
   * internationalised domain), never with a 5xx; a refused create stores nothing; an accepted device label is
   * stored as sent (an unpaired surrogate once became "?", a NUL a 503).
   */
  @Property(tries = 300)
  void aSubjectReachesAnAccountOnlyAsTheSameIdentity(@ForAll("lookalikes") Lookalike subject,
      @ForAll("deviceLabels") String device) throws Exception {
    String fixture = fixtures.values.get(subject.fixture());
    HttpResponse<String> found = fixtures.api.get("/api/v1/admin/accounts?kind=" + subject.kind() + "&subject="
        + HostileRequests.pct(subject.subject()), ADMIN);
    Statistics.label("lookup").collect(subject.same() ? "same identity" : "another identity", found.statusCode());
    assertThat(found.statusCode()).as(found.body()).isEqualTo(subject.same() ? 200 : found.statusCode()).isIn(200, 400, 404);
    if (found.statusCode() == 200) {
      assertThat(Api.json(found).getString("account_id").equals(fixture)).as("found the fixture's account")
          .isEqualTo(subject.same());
    }

    DatabaseFingerprint before = fingerprint();
    String body = "{\"identity\":{\"kind\":\"" + subject.kind() + "\",\"subject\":" + HostileRequests.quote(subject.subject())
        + "}" + (device == null ? "" : ",\"device\":" + HostileRequests.quote(device)) + "}";
    HttpResponse<String> created = fixtures.api.post("/api/v1/internal/sessions", INTERNAL, body);
    Statistics.label("create").collect(subject.same() ? "same identity" : "another identity", created.statusCode());
    boolean goodLabel = device == null || DeviceLabel.problem(device) == null;
    assertThat(created.statusCode()).as(created.body()).isIn(201, 400)
        .isEqualTo(subject.same() && goodLabel ? 201 : created.statusCode());
    if (created.statusCode() == 400) {
      assertThat(fingerprint()).as("a refused create changed the database").isEqualTo(before);
      return;
    }
    JsonObject session = Api.json(created);
    assertThat(session.getString("account_id").equals(fixture)).as("created on the fixture's account")
        .isEqualTo(subject.same());
    try (PreparedStatement ps = jdbc.prepareStatement("SELECT device FROM sessions WHERE session_id = ?")) {
      ps.setObject(1, UUID.fromString(session.getString("session_id")));
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).as("the stored device label").isEqualTo(device);
      }
    }
  }

  @Property(tries = 1500)
  void everyRouteAnswersHostileRequestsCleanly(@ForAll("requests") Request request) throws Exception {
    Resolved sent = fixtures.resolve(request);
    DatabaseFingerprint before = fingerprint();

    Answer answer = send(sent);

    Statistics.label("route").collect(request.kind());
    Statistics.label("status").collect(answer.statusClass());
    Statistics.label("transport").collect(answer.transport());
    assertThat(answer.status()).as("the server dropped a request it received whole (%s)", answer.transport())
        .isNotNull();
    checkAnswer(sent, answer);
    checkDatabase(sent.method(), answer, before);
  }

  @Property(tries = 400)
  void malformedHttpIsRefusedWithoutHangingOrChangingAnything(@ForAll("wire") Wire wire) throws Exception {
    String text = fixtures.resolveText(wire.text());
    // the target: the request line, whatever shape it has (a 401 may challenge Basic on the OAuth endpoints alone);
    // empty lines before it are skipped, as the server does (RFC 9112 §2.2)
    String requestLine = text.replaceFirst("^(\r?\n)+", "").split("\r?\n", 2)[0];
    Resolved sent = new Resolved(wire.text().split(" ", 2)[0], requestLine, List.of(), null, secretsIn(text));
    DatabaseFingerprint before = fingerprint();

    Answer answer = raw(text.getBytes(StandardCharsets.ISO_8859_1), wire.head(), wire.closeOutput());

    Statistics.label("kind").collect(wire.kind());
    Statistics.label("status").collect(answer.statusClass());
    if (answer.status() != null && answer.status() == 501 && unsupportedVersion(text)) {
      // Vert.x answers a version other than HTTP/1.0 or 1.1 itself (501, empty body, connection closed) before
      // any handler of the application can see the request; nothing else may earn a 5xx
      assertThat(answer.body()).isEmpty();
      Statistics.label("answered by Vert.x itself").collect("501: unsupported HTTP version");
    } else {
      checkAnswer(sent, answer);
    }
    if (wire.kind().equals("strict framing")) {
      assertThat(answer.status()).as("framing SPEC §10 refuses is answered 400, never dropped").isEqualTo(400);
    }
    checkDatabase(sent.method(), answer, before);
  }

  /** Whether the request line names a protocol version Vert.x does not serve ({@code FOO/1.1}, {@code HTTP/2.0}). */
  private static boolean unsupportedVersion(String request) {
    Matcher line = UNSUPPORTED_VERSION.matcher(request.stripLeading());
    return line.lookingAt() && !line.group(1).equals("HTTP/1.0") && !line.group(1).equals("HTTP/1.1");
  }

  /**
   * What a client cannot see: a 5xx the server counted for a request whose connection was already gone, and
   * metric labels made from what clients sent (every distinct label value is a new time series in memory).
   * The 503s of {@code /readyz} while the node was starting are the only 5xx there may be.
   */
  @AfterProperty
  void theServerCountedNo5xxAndOnlyBoundedLabels() throws Exception {
    Map<String, String> series = requestSeries();
    assertThat(series).isNotEmpty();
    assertThat(series.keySet()).allMatch(labels -> BOUNDED_LABELS.matcher(labels).matches());
    assertThat(serverErrors(series)).as("5xx counted by the server").isEqualTo(serverErrorsAtStart);
  }

  /** Each latchkey_http_server_requests_seconds_count series of a scrape: labels to count. */
  private static Map<String, String> requestSeries() throws Exception {
    Matcher m = REQUEST_SERIES.matcher(HttpProbe.get(node.httpPort(), "/metrics").body());
    Map<String, String> series = new TreeMap<>();
    while (m.find()) {
      series.put(m.group(1), m.group(2));
    }
    return series;
  }

  private static Map<String, String> serverErrors(Map<String, String> series) {
    Map<String, String> errors = new TreeMap<>(series);
    errors.keySet().removeIf(labels -> !labels.contains("status=\"5"));
    return errors;
  }

  @Example
  void theGeneratorsCoverEveryOperationOfTheOpenApiDocument() throws Exception {
    JsonObject paths = new JsonObject(Files.readString(Path.of("src/main/resources", HttpVerticle.OPENAPI_RESOURCE)))
        .getJsonObject("paths");
    Set<String> documented = new TreeSet<>();
    paths.forEach(path -> ((JsonObject) path.getValue()).fieldNames().stream()
        .filter(m -> List.of("get", "post", "put", "patch", "delete").contains(m))
        .forEach(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey())));
    Set<String> generated = HostileRequests.ROUTES.stream().map(r -> r.method() + " " + r.path())
        .collect(Collectors.toCollection(TreeSet::new));

    assertThat(generated).isEqualTo(documented);
  }

  // ---------------------------------------------------------------------------------------------------
  // The properties every answer has

  private static void checkAnswer(Resolved sent, Answer answer) {
    if (answer.status() == null) {
      return;
    }
    int status = answer.status();
    assertThat(status / 100).as("status class of %d (2xx or 4xx: never a 5xx, nor a redirect)", status).isIn(2, 4);
    if (status == 401 && sent.target().contains("/user/auth") && answer.body().isEmpty()) {
      // forward auth's denial (the target, however bent, names it): for a proxy, with nothing for it to pass on to
      // whoever stands behind it
      assertThat(answer.header("content-type")).as("content type of forward auth's 401").isEmpty();
      assertThat(answer.header("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    } else if (status >= 400) {
      assertThat(answer.header("content-type")).as("content type of a %d", status)
          .hasValueSatisfying(type -> assertThat(type).startsWith(Problem.CONTENT_TYPE));
      if (!sent.method().equals("HEAD")) {
        JsonObject problem;
        try {
          problem = new JsonObject(answer.body());
        } catch (DecodeException e) {
          throw new AssertionError("a " + status + " body that is not a JSON object: " + answer.body(), e);
        }
        assertThat(problem.getValue("type")).as("problem type").isInstanceOf(String.class).isNotEqualTo("");
        assertThat(problem.getValue("title")).as("problem title").isInstanceOf(String.class);
        assertThat(problem.getValue("detail")).as("problem detail").isInstanceOf(String.class);
        assertThat(problem.getValue("status")).as("problem status").isEqualTo(status);
      }
      if (status == 401) {
        // Basic is challenged first on the two OAuth endpoints alone (SPEC §5e), Bearer everywhere else
        assertThat(answer.header("www-authenticate")).hasValueSatisfying(v -> assertThat(v.startsWith("Bearer")
            || v.startsWith("Basic") && sent.target().matches(".*/sessions/(introspect|revoke)\\b.*")).as(v).isTrue());
      }
    }
    for (String secret : sent.secrets()) {
      assertThat(answer.body()).as("the body echoes a credential that was sent").doesNotContain(secret);
      assertThat(answer.headerLines()).as("a header echoes a credential that was sent").doesNotContain(secret);
    }
  }

  private static void checkDatabase(String method, Answer answer, DatabaseFingerprint before) throws Exception {
    DatabaseFingerprint after = fingerprint();
    if (after.equals(before)) {
      Statistics.label("database").collect("unchanged");
      return;
    }
    boolean acceptedWrite = answer.status() != null && answer.status() / 100 == 2
        && (method.equals("POST") || method.equals("DELETE"));
    if (!acceptedWrite) {
      fail("a request answered %s changed the database%n  before: %s%n  after:  %s",
          answer.status() == null ? "nothing (connection closed)" : answer.status(), before, after);
    }
    Statistics.label("database").collect("changed by an accepted write");
    fixtures.renew();
  }

  private static DatabaseFingerprint fingerprint() throws SQLException {
    return DatabaseFingerprint.of(jdbc);
  }

  // ---------------------------------------------------------------------------------------------------
  // Sending

  /** A request with its fixture references resolved, and the credentials in it that must not come back. */
  record Resolved(String method, String target, List<Header> headers, byte[] body, Set<String> secrets) {}

  /** What came back: a status (null when the server closed the connection without answering). */
  record Answer(Integer status, Function<String, Optional<String>> headers, String headerLines, String body,
      String transport) {

    Optional<String> header(String name) {
      return headers.apply(name);
    }

    String statusClass() {
      return status == null ? "closed" : status / 100 + "xx " + status;
    }
  }

  private static Answer send(Resolved sent) throws Exception {
    HttpRequest request;
    try {
      request = jdkRequest(sent);
    } catch (IllegalArgumentException e) {
      // what the JDK's client refuses to send (a bad URI, control characters in a header, ...) goes raw
      return raw(rawBytes(sent), sent.method().equals("HEAD"), false);
    }
    try {
      HttpResponse<String> response = client.send(request, info -> info.headers().firstValue("content-type")
          .filter(type -> type.startsWith("text/event-stream")).isPresent()
          ? new FirstMessage()
          : HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8));
      return new Answer(response.statusCode(), name -> response.headers().firstValue(name),
          response.headers().map().toString(), response.body(), "jdk client");
    } catch (HttpTimeoutException e) {
      throw new AssertionError("no answer within " + TIMEOUT.toMillis() + " ms", e);
    } catch (IOException e) {
      return new Answer(null, name -> Optional.empty(), "", "", "jdk client (" + e + ")");
    }
  }

  /**
   * The body of a Server-Sent Events stream, which never ends, up to its first message (a blank line); the
   * connection is then given up.
   */
  private static final class FirstMessage implements HttpResponse.BodySubscriber<String> {

    private final java.util.concurrent.CompletableFuture<String> body = new java.util.concurrent.CompletableFuture<>();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    private java.util.concurrent.Flow.Subscription subscription;

    @Override
    public java.util.concurrent.CompletionStage<String> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<java.nio.ByteBuffer> items) {
      for (java.nio.ByteBuffer item : items) {
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        bytes.writeBytes(chunk);
      }
      String text = bytes.toString(StandardCharsets.UTF_8);
      if (text.contains("\n\n") && body.complete(text)) {
        subscription.cancel();
      }
    }

    @Override
    public void onError(Throwable failure) {
      body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      body.complete(bytes.toString(StandardCharsets.UTF_8));
    }
  }

  private static HttpRequest jdkRequest(Resolved sent) {
    if (!sent.target().startsWith("/") || !sent.target().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("the JDK would re-encode this target, or read it as another authority");
    }
    URI uri = URI.create("http://127.0.0.1:" + node.httpPort() + sent.target());
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(TIMEOUT).method(sent.method(),
        sent.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(sent.body()));
    for (Header h : sent.headers()) {
      builder.header(h.name(), h.value());
    }
    return builder.build();
  }

  private static byte[] rawBytes(Resolved sent) {
    StringBuilder text = new StringBuilder(sent.method()).append(' ').append(HostileRequests.latin1(sent.target()))
        .append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(node.httpPort()).append("\r\n");
    for (Header h : sent.headers()) {
      text.append(HostileRequests.latin1(h.name())).append(": ").append(HostileRequests.latin1(h.value())).append("\r\n");
    }
    byte[] body = sent.body() == null ? new byte[0] : sent.body();
    text.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
    byte[] head = text.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private static Answer raw(byte[] bytes, boolean head, boolean closeOutput) throws IOException {
    Optional<RawHttp.Response> response;
    try {
      response = RawHttp.exchange(node.httpPort(), bytes, head, closeOutput, TIMEOUT);
    } catch (RawHttp.NoAnswerException e) {
      throw new AssertionError(e.getMessage(), e);
    }
    if (response.isEmpty()) {
      return new Answer(null, name -> Optional.empty(), "", "", "raw socket");
    }
    RawHttp.Response r = response.get();
    return new Answer(r.status(), r::header, r.headers().toString(), r.bodyText(), "raw socket");
  }

  /** Credentials in a request: the fixtures' tokens and keys, token lookalikes, and any long bearer value. */
  private static Set<String> secretsIn(String text) {
    Set<String> secrets = new LinkedHashSet<>();
    fixtures.secrets().stream().filter(text::contains).forEach(secrets::add);
    Matcher lookalike = LOOKALIKE_TOKEN.matcher(text);
    while (lookalike.find()) {
      secrets.add(lookalike.group());
    }
    return secrets;
  }

  // ---------------------------------------------------------------------------------------------------

  /**
   * The accounts and sessions the generators refer to as {@code ${name}}: Alice with an active session and a
   * revoked one, Bob with a device-bound session, and a dormant account whose only session is revoked (the
   * gateway's X-User-ID target that has nothing left to revoke). All are made through the API.
   */
  static final class Fixtures {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([a-z.]+)(?::([a-z]+))?}");
    private static final AtomicInteger DORMANT = new AtomicInteger();

    private final Api api;
    private final KeyPair device;
    private final RequestSigner signer;
    private final Map<String, String> values = new HashMap<>();

    Fixtures(Api api) throws Exception {
      this.api = api;
      this.device = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      this.signer = new RequestSigner(device.getPrivate());
      values.put("key.internal", INTERNAL);
      values.put("key.admin", ADMIN);
      values.put("email.alice", "alice@example.com");
      JsonObject revoked = login("alice@example.com", null);
      assertThat(api.delete("/api/v1/user/sessions/current", revoked.getString("token")).statusCode()).isEqualTo(204);
      values.put("token.revoked", revoked.getString("token"));
      values.put("session.alice.revoked", revoked.getString("session_id"));
      newAlice();
      newBound();
      newDormant();
      values.put("account.kiss", identity("email", "kiss@example.com").getString("account_id"));
      values.put("account.kiss.idn", identity("email", "kiss@m\u00fcnchen.de").getString("account_id"));
      values.put("account.tg", identity("telegram", "4242").getString("account_id"));
      HttpResponse<String> head = api.get("/api/v1/internal/invalidations", INTERNAL);
      assertThat(head.statusCode()).as(head.body()).isEqualTo(200);
      values.put("cursor.head", Api.json(head).getString("next"));
    }

    /** Re-creates what an accepted write spent: an account disabled is enabled, an erased one made anew. */
    void renew() throws Exception {
      for (String account : List.of("account.alice", "account.bound", "account.dormant")) {
        try (PreparedStatement ps = jdbc.prepareStatement("SELECT status FROM accounts WHERE account_id = ?")) {
          ps.setObject(1, UUID.fromString(values.get(account)));
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next() && rs.getString(1).equals("disabled")) {
              assertThat(api.post("/api/v1/admin/accounts/" + values.get(account) + "/enable", ADMIN, null).statusCode())
                  .isEqualTo(200);
            }
          }
        }
      }
      if (!active(values.get("session.alice"))) {
        newAlice();
      }
      if (!active(values.get("session.bound"))) {
        newBound();
      }
      try (PreparedStatement ps = jdbc.prepareStatement(
          "SELECT count(*) FROM sessions WHERE account_id = ? AND status = 'active'")) {
        ps.setObject(1, UUID.fromString(values.get("account.dormant")));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) > 0) {
            newDormant();
          }
        }
      }
    }

    private void newAlice() throws Exception {
      JsonObject alice = login("alice@example.com", null);
      values.put("token.alice", alice.getString("token"));
      values.put("session.alice", alice.getString("session_id"));
      values.put("account.alice", alice.getString("account_id"));
    }

    private void newBound() throws Exception {
      byte[] raw = Ed25519.raw(device.getPublic());
      JsonObject bound = login("bob@example.com", Base64.getEncoder().encodeToString(raw));
      values.put("token.bound", bound.getString("token"));
      values.put("session.bound", bound.getString("session_id"));
      values.put("account.bound", bound.getString("account_id"));
    }

    private void newDormant() throws Exception {
      String email = "dormant-" + DORMANT.incrementAndGet() + "@example.com";
      JsonObject dormant = login(email, null);
      assertThat(api.delete("/api/v1/user/sessions/current", dormant.getString("token")).statusCode()).isEqualTo(204);
      values.put("email.dormant", email);
      values.put("account.dormant", dormant.getString("account_id"));
      values.put("session.dormant", dormant.getString("session_id"));
    }

    private JsonObject login(String email, String clientKey) throws Exception {
      JsonObject body = new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email));
      if (clientKey != null) {
        body.put("client_public_key", clientKey);
      }
      HttpResponse<String> created = api.post("/api/v1/internal/sessions", INTERNAL, body.encode());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      return Api.json(created);
    }

    private JsonObject identity(String kind, String subject) throws Exception {
      JsonObject body = new JsonObject().put("identity", new JsonObject().put("kind", kind).put("subject", subject));
      HttpResponse<String> created = api.post("/api/v1/internal/sessions", INTERNAL, body.encode());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      return Api.json(created);
    }

    private boolean active(String sessionId) throws SQLException {
      try (PreparedStatement ps = jdbc.prepareStatement("SELECT status FROM sessions WHERE session_id = ?")) {
        ps.setObject(1, UUID.fromString(sessionId));
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() && rs.getString(1).equals("active");
        }
      }
    }

    List<String> secrets() {
      return List.of(values.get("token.alice"), values.get("token.bound"), values.get("token.revoked"), INTERNAL, ADMIN);
    }

    Resolved resolve(Request request) throws Exception {
      String target = resolveText(request.target());
      List<Header> headers = new ArrayList<>();
      for (Header h : request.headers()) {
        headers.add(new Header(h.name(), resolveText(h.value())));
      }
      byte[] body = request.body() == null ? null : resolveText(request.body())
          .getBytes(request.binaryBody() ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
      if (request.signed()) {
        headers = signed(request.method(), target, headers, body);
      }
      StringBuilder all = new StringBuilder(target);
      headers.forEach(h -> all.append('\n').append(h.value()));
      if (body != null) {
        all.append('\n').append(new String(body, StandardCharsets.UTF_8));
      }
      Set<String> secrets = secretsIn(all.toString());
      headers.stream().filter(h -> h.name().equalsIgnoreCase("authorization"))
          .map(h -> h.value().replaceFirst("(?i)^\\s*(bearer|basic)\\s+", "").trim())
          .filter(credential -> credential.length() >= 16)
          .forEach(secrets::add);
      return new Resolved(request.method(), target, headers, body, secrets);
    }

    /** Replaces the generated signature headers by a real signature with Bob's device key, where one can be made. */
    private List<Header> signed(String method, String target, List<Header> headers, byte[] body) {
      Optional<String> authorization = headers.stream().filter(h -> h.name().equalsIgnoreCase("authorization"))
          .map(Header::value).findFirst();
      if (authorization.isEmpty()) {
        return headers;
      }
      Map<String, String> signature;
      try {
        signature = signer.sign(method, URI.create("http://127.0.0.1:" + node.httpPort() + target), authorization.get(),
            body);
      } catch (Exception e) {
        return headers;
      }
      List<Header> out = new ArrayList<>(headers.stream().filter(h -> !signature.containsKey(h.name())).toList());
      signature.forEach((name, value) -> out.add(new Header(name, value)));
      return out;
    }

    String resolveText(String text) {
      Matcher m = REFERENCE.matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String value = m.group(1).equals("now") ? Long.toString(Instant.now().getEpochSecond()) : values.get(m.group(1));
        if (value == null) {
          m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
          continue;
        }
        m.appendReplacement(out, Matcher.quoteReplacement(bend(value, m.group(2))));
      }
      m.appendTail(out);
      return out.toString();
    }

    private static String bend(String value, String modifier) {
      if (modifier == null) {
        return value;
      }
      return switch (modifier) {
        case "upper" -> value.toUpperCase(Locale.ROOT);
        case "lower" -> value.toLowerCase(Locale.ROOT);
        case "nodash" -> value.replace("-", "");
        case "braces" -> "{" + value + "}";
        case "urn" -> "urn:uuid:" + value;
        case "pct" -> value.chars().mapToObj(c -> String.format("%%%02X", c)).collect(Collectors.joining());
        case "trunc" -> value.substring(0, value.length() - 1);
        case "extend" -> value + "0";
        case "tail" -> value.substring(0, value.length() - 1) + (value.endsWith("0") ? "1" : "0");
        case "stale" -> Long.toString(Long.parseLong(value) - 3600);
        case "basic" -> Base64.getEncoder().encodeToString(("gateway:" + value).getBytes(StandardCharsets.UTF_8));
        case "basicpct" -> Base64.getEncoder().encodeToString(
            ("gateway:" + URLEncoder.encode(value, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        default -> throw new IllegalArgumentException("no such modifier: " + modifier);
      };
    }
  }

  /**
   * {@code -Dhostile.seed=<seed>} re-runs the properties with a seed jqwik reported; {@code -Dhostile.tries=<n>}
   * changes how many requests each property sends.
   */
  static final class SeedAndTriesFromSystemProperties implements AroundPropertyHook {

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
      String seed = System.getProperty("hostile.seed", "").trim();
      String tries = System.getProperty("hostile.tries", "").trim();
      if (!seed.isEmpty()) {
        context.attributes().setSeed(seed);
      }
      if (!tries.isEmpty() && !context.targetMethod().isAnnotationPresent(Example.class)) {
        context.attributes().setTries(Integer.parseInt(tries));
      }
      return property.execute();
    }
  }
}
