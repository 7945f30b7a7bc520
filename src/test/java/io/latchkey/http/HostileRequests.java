package io.latchkey.http;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * The generators of {@link HostileInputIT}: requests at every route of the API (and at wrong methods and
 * unknown paths) with hostile bodies, headers, credentials, paths, query strings and ids, plus raw bytes
 * no HTTP client would send.
 *
 * <p>Generated values name the run's fixtures symbolically, as {@code ${name}} or {@code ${name:modifier}}
 * (see {@link HostileInputIT.Fixtures#resolve}): a valid session token, a device-bound one, a revoked one,
 * both API keys, known account and session ids. They are resolved when the request is sent, so a sample
 * means the same thing when jqwik re-runs it (shrinking, {@code -Dhostile.seed}) although the tokens
 * themselves differ from run to run. The generators lean towards the deep paths: most requests carry one of
 * the real credentials, so the guards let many through to the handlers' own validation.
 */
final class HostileRequests {

  private HostileRequests() {}

  /** A generated HTTP request; {@code body} null means none. */
  record Request(String kind, String method, String target, List<Header> headers, String body, boolean binaryBody,
      boolean signed) {

    @Override
    public String toString() {
      StringBuilder out = new StringBuilder(kind).append(": ").append(method).append(' ').append(clip(target));
      headers.forEach(h -> out.append("\n  ").append(clip(h.name())).append(": ").append(clip(h.value())));
      if (signed) {
        out.append("\n  (signed with the device key)");
      }
      if (body != null) {
        out.append("\n  body").append(binaryBody ? " (bytes)" : "").append(": ").append(clip(body));
      }
      return out.toString();
    }
  }

  record Header(String name, String value) {}

  /** Raw bytes for a socket: one char per byte (ISO-8859-1); {@code ${…}} references allowed. */
  record Wire(String kind, String text, boolean head, boolean closeOutput) {

    @Override
    public String toString() {
      return kind + (closeOutput ? " (then half-closed)" : "") + ":\n" + clip(text);
    }
  }

  /** Shows control and non-ASCII characters escaped, and long values cut. */
  static String clip(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 240; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return text.length() > 240 ? out + "…(" + text.length() + " chars)" : out.toString();
  }

  // ---------------------------------------------------------------------------------------------------
  // The routes

  enum Query { NONE, KEEP_CURRENT, IDENTITY, PAGE, AUDIT, STREAM }

  /** {@code TOKEN}: introspection and revocation, a form ({@code token=…}) or JSON ({@code {"token"}}). */
  enum BodyKind { NONE, CREATE, TOKEN, LOGIN_EMAIL, LOGIN_VERIFY, LOGIN_TELEGRAM, IDENTITY, REASON }

  /** A route of the API as openapi.json lists it; {@code {id}} is where an id goes. */
  record Route(String method, String path, Query query, BodyKind body) {}

  static final List<Route> ROUTES = List.of(
      new Route("GET", "/healthz", Query.NONE, BodyKind.NONE),
      new Route("GET", "/readyz", Query.NONE, BodyKind.NONE),
      new Route("GET", "/metrics", Query.NONE, BodyKind.NONE),
      new Route("GET", "/api/v1/public/ping", Query.NONE, BodyKind.NONE),
      new Route("GET", "/api/v1/public/openapi.json", Query.NONE, BodyKind.NONE),
      new Route("POST", "/api/v1/public/login/email", Query.NONE, BodyKind.LOGIN_EMAIL),
      new Route("POST", "/api/v1/public/login/email/verify", Query.NONE, BodyKind.LOGIN_VERIFY),
      new Route("POST", "/api/v1/public/login/telegram", Query.NONE, BodyKind.LOGIN_TELEGRAM),
      new Route("GET", "/api/v1/user/me", Query.NONE, BodyKind.NONE),
      new Route("GET", "/api/v1/user/sessions", Query.NONE, BodyKind.NONE),
      new Route("DELETE", "/api/v1/user/sessions", Query.KEEP_CURRENT, BodyKind.NONE),
      new Route("DELETE", "/api/v1/user/sessions/current", Query.NONE, BodyKind.NONE),
      new Route("DELETE", "/api/v1/user/sessions/{id}", Query.NONE, BodyKind.NONE),
      new Route("GET", "/api/v1/user/auth", Query.NONE, BodyKind.NONE),
      new Route("POST", "/api/v1/user/auth", Query.NONE, BodyKind.NONE),
      new Route("PUT", "/api/v1/user/auth", Query.NONE, BodyKind.NONE),
      new Route("PATCH", "/api/v1/user/auth", Query.NONE, BodyKind.NONE),
      new Route("DELETE", "/api/v1/user/auth", Query.NONE, BodyKind.NONE),
      new Route("POST", "/api/v1/internal/sessions", Query.NONE, BodyKind.CREATE),
      new Route("POST", "/api/v1/internal/sessions/introspect", Query.NONE, BodyKind.TOKEN),
      new Route("POST", "/api/v1/internal/sessions/revoke", Query.NONE, BodyKind.TOKEN),
      new Route("GET", "/api/v1/internal/sessions/{id}", Query.NONE, BodyKind.NONE),
      new Route("POST", "/api/v1/internal/accounts/{id}/identities", Query.NONE, BodyKind.IDENTITY),
      new Route("GET", "/api/v1/internal/invalidations", Query.STREAM, BodyKind.NONE),
      new Route("GET", "/api/v1/admin/accounts", Query.IDENTITY, BodyKind.NONE),
      new Route("GET", "/api/v1/admin/accounts", Query.PAGE, BodyKind.NONE),
      new Route("GET", "/api/v1/admin/accounts/{id}", Query.NONE, BodyKind.NONE),
      new Route("DELETE", "/api/v1/admin/accounts/{id}", Query.NONE, BodyKind.NONE),
      new Route("POST", "/api/v1/admin/accounts/{id}/disable", Query.NONE, BodyKind.REASON),
      new Route("POST", "/api/v1/admin/accounts/{id}/enable", Query.NONE, BodyKind.NONE),
      new Route("POST", "/api/v1/admin/accounts/{id}/identities", Query.NONE, BodyKind.IDENTITY),
      new Route("DELETE", "/api/v1/admin/accounts/{id}/identities/{kind}/{subject}", Query.NONE, BodyKind.NONE),
      new Route("GET", "/api/v1/admin/accounts/{id}/sessions", Query.NONE, BodyKind.NONE),
      new Route("POST", "/api/v1/admin/accounts/{id}/sessions/revoke", Query.NONE, BodyKind.NONE),
      new Route("DELETE", "/api/v1/admin/sessions/{id}", Query.NONE, BodyKind.NONE),
      new Route("GET", "/api/v1/admin/audit", Query.AUDIT, BodyKind.NONE));

  private static final Map<String, Set<String>> METHODS_BY_PATH = ROUTES.stream().collect(
      Collectors.groupingBy(Route::path, Collectors.mapping(Route::method, Collectors.toSet())));

  private static final List<String> METHODS =
      List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "get", "Delete", "PROPFIND", "FOO");

  /** Every kind of request: the routes as declared, the routes with other methods, and paths that are no route. */
  static Arbitrary<Request> requests() {
    return Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.of(ROUTES).flatMap(r -> request("route " + r.method() + " " + r.path(), r,
            Arbitraries.just(r.method())))),
        Tuple.of(2, Arbitraries.of(ROUTES).flatMap(r -> request("wrong method on " + r.path(), r, wrongMethod(r)))),
        Tuple.of(2, unknownPath()));
  }

  private static Arbitrary<String> wrongMethod(Route route) {
    Set<String> allowed = METHODS_BY_PATH.get(route.path());
    return Arbitraries.of(METHODS.stream().filter(m -> !allowed.contains(m)).toList());
  }

  private static Arbitrary<Request> request(String kind, Route route, Arbitrary<String> method) {
    return Builders.withBuilder(() -> new Draft(kind))
        .use(method).in(Draft::method)
        .use(path(route)).in(Draft::target)
        .use(query(route.query())).in(Draft::query)
        .use(junkQuery()).withProbability(0.15).in(Draft::query)
        .use(authorization()).in(Draft::headers)
        .use(userIdHeaders()).withProbability(0.2).in(Draft::headers)
        .use(signatureHeaders()).withProbability(0.25).in(Draft::headers)
        .use(forwardedHeaders()).withProbability(route.path().startsWith("/api/v1/user/auth") ? 0.7 : 0.05)
        .in(Draft::headers)
        .use(Arbitraries.just(true)).withProbability(0.1).in(Draft::signed)
        .use(contentType(route.body())).in(Draft::headers)
        .use(otherHeaders()).withProbability(0.3).in(Draft::headers)
        .use(streamHeaders(route.query())).in(Draft::headers)
        .use(body(route.body())).in(Draft::body)
        .build(Draft::build);
  }

  private static Arbitrary<Request> unknownPath() {
    Arbitrary<String> prefix = Arbitraries.of("", "/api", "/api/v1", "/api/v1/public", "/api/v1/user", "/api/v1/user/auth",
        "/api/v1/internal", "/api/v1/admin", "/api/v2/user", "/API/V1/user", "/api/v1/user/sessions/current",
        "/api/v1/admin/accounts/${account.alice}");
    Arbitrary<String> path = Combinators.combine(prefix, segment().list().ofMinSize(1).ofMaxSize(4))
        .as((p, segments) -> p + "/" + String.join("/", segments));
    return Builders.withBuilder(() -> new Draft("unknown path"))
        .use(Arbitraries.of(METHODS)).in(Draft::method)
        .use(path).in(Draft::target)
        .use(junkQuery()).withProbability(0.2).in(Draft::query)
        .use(authorization()).in(Draft::headers)
        .use(contentType(BodyKind.NONE)).in(Draft::headers)
        .use(otherHeaders()).withProbability(0.2).in(Draft::headers)
        .use(body(BodyKind.NONE)).in(Draft::body)
        .build(Draft::build);
  }

  /** A request being put together by the builder combinator. */
  private static final class Draft {
    private final String kind;
    private String method;
    private String target;
    private final List<String> query = new ArrayList<>();
    private final List<Header> headers = new ArrayList<>();
    private String body;
    private boolean binary;
    private boolean signed;

    Draft(String kind) {
      this.kind = kind;
    }

    Draft method(String value) {
      method = value;
      return this;
    }

    Draft target(String value) {
      target = value;
      return this;
    }

    Draft query(String value) {
      if (value != null) {
        query.add(value);
      }
      return this;
    }

    Draft headers(List<Header> value) {
      headers.addAll(value);
      return this;
    }

    Draft signed(boolean value) {
      signed = value;
      return this;
    }

    Draft body(Body value) {
      body = value.text();
      binary = value.binary();
      return this;
    }

    Request build() {
      String fullTarget = query.isEmpty() ? target : target + "?" + String.join("&", query);
      return new Request(kind, method, fullTarget, List.copyOf(headers), body, binary, signed);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Paths, ids and query strings

  private static final List<String> KNOWN_IDS = List.of("account.alice", "session.alice", "session.alice.revoked",
      "account.bound", "session.bound", "account.dormant", "session.dormant");

  private static Arbitrary<String> path(Route route) {
    Arbitrary<String> filled = route.path().contains("{id}")
        ? ids().map(id -> route.path().replace("{id}", id))
        : Arbitraries.just(route.path());
    if (route.path().contains("{kind}")) {
      filled = Combinators.combine(filled, pathIdentity()).as((path, identity) ->
          path.replace("{kind}/{subject}", identity));
    }
    return Arbitraries.frequencyOf(
        Tuple.of(5, filled),
        Tuple.of(2, Combinators.combine(filled, pathMutation()).as((path, mutation) -> mutation.apply(path))));
  }

  /** Ids for a path segment (or X-User-ID): known ones as they are or bent, unknown ones, and no ids at all. */
  static Arbitrary<String> ids() {
    Arbitrary<String> known = Arbitraries.of(KNOWN_IDS).map(ref -> "${" + ref + "}");
    Arbitrary<String> bent = Combinators.combine(Arbitraries.of(KNOWN_IDS),
            Arbitraries.of("upper", "nodash", "braces", "urn", "pct", "trunc", "extend", "tail"))
        .as((ref, modifier) -> "${" + ref + ":" + modifier + "}");
    Arbitrary<String> unknown = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong()).toString())),
        Tuple.of(1, Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong()).toString().toUpperCase())),
        Tuple.of(2, Arbitraries.of("00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "018f0000-0000-7000-8000-000000000001")));
    Arbitrary<String> invalid = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("1-1-1-1-1", "0000000-0000-0000-0000-000000000000",
            "00000000-0000-0000-0000-0000000000000", "00000000-0000-0000-0000-00000000000g", "000000000000000000000000000000000",
            "00000000000000000000000000000000", "not-a-uuid", "null", "undefined", "0", "-1", "9223372036854775808",
            "%20" + UUID.randomUUID(), UUID.randomUUID() + "%0A", "%E2%80%8B" + UUID.randomUUID(),
            "%D9%A0%D9%A0%D9%A0%D9%A0%D9%A0%D9%A0%D9%A0%D9%A0-0000-0000-0000-000000000000", "{}", ".", "..", "%2e%2e",
            "%2F", "%00", "%", "%zz", "%%", "\\", "~", "current", "me", "introspect", "revoke", "sessions")),
        Tuple.of(1, Arbitraries.integers().between(100, 5000).map(n -> "a".repeat(n))),
        Tuple.of(2, segment()));
    return Arbitraries.frequencyOf(Tuple.of(4, known), Tuple.of(2, bent), Tuple.of(2, unknown), Tuple.of(3, invalid));
  }

  /** A path segment of mixed characters: plain, percent-encoded (valid or not), dots, unicode, reserved. */
  static Arbitrary<String> segment() {
    Arbitrary<String> atom = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofMinLength(1).ofMaxLength(8)),
        Tuple.of(2, Arbitraries.integers().between(0, 255).map(b -> String.format("%%%02X", b))),
        Tuple.of(1, Arbitraries.of(".", "..", "-", "_", "~", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=",
            ":", "@", "%", "%zz", "%2", "%u0041", "\\", " ", "\"", "<", ">", "^", "`", "{", "}", "|", "#", "[", "]")),
        Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(3)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0080', '\u00ff').ofMinLength(1).ofMaxLength(3)));
    return atom.list().ofMinSize(1).ofMaxSize(6).map(parts -> String.join("", parts));
  }

  /** Bends a concrete path without touching what its ${…} references will become. */
  private static Arbitrary<java.util.function.UnaryOperator<String>> pathMutation() {
    return Arbitraries.oneOf(
        Arbitraries.just(p -> p + "/"),
        Arbitraries.just(p -> p.replaceFirst("/v1/", "//v1/")),
        Arbitraries.just(p -> p.replaceFirst("/v1/", "/v1/./")),
        Arbitraries.just(p -> p.replaceFirst("/v1/", "/v1/zz/../")),
        Arbitraries.just(p -> p + "/.."),
        Arbitraries.just(p -> p + "/%2e%2e"),
        Arbitraries.just(p -> p + "/%2E%2E/%2E%2E/admin"),
        Arbitraries.just(p -> p.replaceFirst("/api/v1/", "/API/V1/")),
        Arbitraries.just(p -> p + ";jsessionid=1"),
        Arbitraries.just(p -> p.replaceFirst("/v1/", "/v1%2F")),
        Arbitraries.just(p -> "/api/v1/public/../.." + p),
        Arbitraries.just(p -> "//" + p),
        Arbitraries.just(p -> p.replace('/', '\\')),
        Arbitraries.just(p -> p + "#fragment"),
        Arbitraries.integers().between(200, 6000).map(n -> p -> p + "/" + "x".repeat(n)),
        segment().map(s -> p -> p + "/" + s),
        segment().map(s -> p -> s + p));
  }

  /** {@code limit} and a cursor: in range, out of it, not numbers, not UUIDs, repeated. */
  private static Arbitrary<String> page(String cursorName) {
    Arbitrary<String> limit = Arbitraries.of("1", "2", "100", "1000", "0", "1001", "-1", "01", "1e2", "", "x", "%31",
        "99999999999999999999", "1&limit=2").map(v -> "limit=" + v);
    Arbitrary<String> cursor = Arbitraries.frequencyOf(
        Tuple.of(3, ids()),
        Tuple.of(1, Arbitraries.of("", "00000000-0000-0000-0000-000000000000", "${account.alice}&" + cursorName + "=x")))
        .map(v -> cursorName + "=" + v);
    return Arbitraries.frequencyOf(
        Tuple.of(2, Combinators.combine(limit, cursor).as((l, c) -> l + "&" + c)),
        Tuple.of(1, limit),
        Tuple.of(1, cursor),
        Tuple.of(1, Arbitraries.just(null)));
  }

  private static Arbitrary<String> query(Query query) {
    return switch (query) {
      case NONE -> Arbitraries.just(null);
      case PAGE -> page("after");
      case AUDIT -> Arbitraries.frequencyOf(
          Tuple.of(3, page("after")),
          Tuple.of(2, Combinators.combine(ids(), page("after")).as((id, p) -> "account_id=" + id + (p == null ? "" : "&" + p))),
          Tuple.of(1, Arbitraries.of("account_id=", "account_id=${account.alice}&account_id=${account.bound}")));
      case STREAM -> Arbitraries.frequencyOf(
          Tuple.of(2, Arbitraries.just(null)),
          Tuple.of(4, cursor().map(c -> "after=" + c)),
          Tuple.of(2, Combinators.combine(cursor(), page("x")).as((c, p) -> "after=" + c + (p == null ? "" : "&" + p))),
          Tuple.of(1, Arbitraries.of("after=${cursor.head}&after=${cursor.head}", "after=${cursor.head}&after=x", "after",
              "after[]=${cursor.head}", "AFTER=${cursor.head}")));
      case KEEP_CURRENT -> Arbitraries.frequencyOf(
          Tuple.of(2, Arbitraries.just(null)),
          Tuple.of(5, Arbitraries.of("true", "false", "TRUE", "True", "1", "0", "", "yes", "%74rue", "true%00",
              "true&keep_current=false", "false&keep_current=true", "true;", "t%C3%BCrue", "%zz", "tr ue", "true#")
              .map(v -> "keep_current=" + v)),
          Tuple.of(1, Arbitraries.of("keep_current", "keep_current[]=true", "KEEP_CURRENT=true", "keep%5Fcurrent=true")),
          Tuple.of(1, Arbitraries.integers().between(100, 5000).map(n -> "keep_current=" + "t".repeat(n))));
      case IDENTITY -> {
        Arbitrary<String> kind = Arbitraries.of("email", "telegram", "EMAIL", "fax", "", "%00", "ema%69l", "email%00",
            "telegram%20", "%E2%80%8Bemail");
        Arbitrary<String> subject = Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.of("${email.alice}", "${email.alice:upper}", "${email.dormant}", "Alice%40Example.com",
                "nobody@example.com", "not-an-email", "a@b", "%00", "+", "%2B", "a%0D%0Ab@example.com", "123456789", "0",
                "-5", "00123", "99999999999999999999", "9223372036854775807", "%D9%A1%D9%A2%D9%A3", "%zz", "")),
            Tuple.of(1, Arbitraries.integers().between(250, 5000).map(n -> "a".repeat(n) + "%40example.com")),
            Tuple.of(1, segment()),
            Tuple.of(2, unicodeEdge().map(s -> pct(s + "@example.com"))),
            Tuple.of(1, unicodeEdge().map(HostileRequests::pct)));
        yield Arbitraries.frequencyOf(
            Tuple.of(6, Combinators.combine(kind, subject).as((k, s) -> "kind=" + k + "&subject=" + s)),
            Tuple.of(1, kind.map(k -> "kind=" + k)),
            Tuple.of(1, subject.map(s -> "subject=" + s)),
            Tuple.of(1, Combinators.combine(kind, subject).as((k, s) -> "kind=" + k + "&kind=fax&subject=" + s + "&subject=x")),
            Tuple.of(1, Arbitraries.just(null)));
      }
    };
  }

  /**
   * A stream cursor: the head the fixtures read, as it is or bent (cut, lengthened, a character changed, other
   * case, percent-encoded), other cursor-shaped strings, ids and junk.
   */
  private static Arbitrary<String> cursor() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just("${cursor.head}")),
        Tuple.of(3, Arbitraries.of("trunc", "extend", "tail", "upper", "lower", "pct").map(m -> "${cursor.head:" + m + "}")),
        Tuple.of(1, Arbitraries.strings().withCharRange('A', 'Z').withCharRange('a', 'z').withCharRange('0', '9')
            .withChars('-', '_').ofLength(34)),
        Tuple.of(1, Arbitraries.of("", "%00", "%zz", "AQ", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "AQ==", "=", "null", "0", "-1")),
        Tuple.of(1, ids()));
  }

  /**
   * On the invalidation stream: Accept (the two representations, both, neither, wildcards, junk) and
   * Last-Event-ID (a cursor as for {@code after}); nothing on other routes.
   */
  private static Arbitrary<List<Header>> streamHeaders(Query query) {
    if (query != Query.STREAM) {
      return Arbitraries.just(List.of());
    }
    Arbitrary<Header> accept = Arbitraries.of("text/event-stream", "application/json", "*/*", "text/*",
        "text/event-stream;q=0.5, application/json", "application/json;q=0, text/event-stream", "text/html",
        "application/problem+json", "text/event-stream;q=0", "", "*", "text/event-stream, */*;q=0.1", "%00")
        .map(v -> new Header("Accept", v));
    Arbitrary<Header> lastEventId = cursor().map(v -> new Header("Last-Event-ID", v));
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(List.of())),
        Tuple.of(4, accept.map(List::of)),
        Tuple.of(2, lastEventId.map(List::of)),
        Tuple.of(2, Combinators.combine(accept, lastEventId).as(List::of)),
        Tuple.of(1, Combinators.combine(lastEventId, lastEventId).as(List::of)));
  }

  /** {@code kind/subject} of an unlink path: the fixtures' identities as they are or bent, and broken ones. */
  private static Arbitrary<String> pathIdentity() {
    Arbitrary<String> kind = Arbitraries.of("email", "email", "telegram", "EMAIL", "fax", "", "%00", "ema%69l", "email%2F");
    Arbitrary<String> subject = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("${email.alice}", "${email.alice:upper}", "${email.alice:pct}", "${email.dormant}",
            "Alice%40Example.com", "nobody@example.com", "not-an-email", "4242", "-5", "007", "%00", "%zz", "%2F", "a%2Fb@example.com",
            "", "kiss@m%C3%BCnchen.de", "kiss@xn--mnchen-3ya.de", "a%E2%80%8B@example.com")),
        Tuple.of(1, segment()),
        Tuple.of(1, unicodeEdge().map(u -> pct(u + "@example.com"))));
    return Combinators.combine(kind, subject).as((k, v) -> k + "/" + v);
  }

  private static Arbitrary<String> junkQuery() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.of("a=b", "&&&", "=", "==", "%", "%zz", "%ff%fe", "a=%00", "[]=1", "a[b]=c", "x=1&x=2",
            "?", "#", "%E2%80%AE", "keep_current=true", "kind=email&subject=${email.alice}", "token=${token.alice}")),
        Tuple.of(1, segment().map(s -> s + "=" + s)),
        Tuple.of(1, Arbitraries.integers().between(1000, 9000).map(n -> "q=" + "z".repeat(n))));
  }

  // ---------------------------------------------------------------------------------------------------
  // Credentials and headers

  private static final List<String> REAL_CREDENTIALS =
      List.of("token.alice", "token.bound", "token.revoked", "key.internal", "key.admin");

  /** What follows a scheme: the real credentials, near misses of them, lookalike tokens and plain junk. */
  static Arbitrary<String> credential() {
    Arbitrary<String> real = Arbitraries.of(REAL_CREDENTIALS).map(ref -> "${" + ref + "}");
    Arbitrary<String> nearMiss = Combinators.combine(Arbitraries.of(REAL_CREDENTIALS),
            Arbitraries.of("tail", "trunc", "extend", "upper", "lower", "pct"))
        .as((ref, modifier) -> "${" + ref + ":" + modifier + "}");
    Arbitrary<String> lookalike = Arbitraries.strings().withCharRange('A', 'Z').withCharRange('a', 'z')
        .withCharRange('0', '9').withChars('-', '_').ofLength(43).map(s -> "lk_" + s);
    Arbitrary<String> junk = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.of("", " ", "lk_", "null", "Bearer", "${token.alice} ${token.alice}",
            "${key.internal},${key.admin}", "${key.internal}\u0000", "\u0000${token.alice}")),
        Tuple.of(2, Arbitraries.strings().ascii().ofMaxLength(60)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20)),
        Tuple.of(1, Arbitraries.integers().between(5000, 12000).map(n -> "lk_" + "A".repeat(n))));
    return Arbitraries.frequencyOf(Tuple.of(6, real), Tuple.of(3, nearMiss), Tuple.of(1, lookalike), Tuple.of(2, junk));
  }

  static Arbitrary<List<Header>> authorization() {
    Arbitrary<String> scheme = Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.just("Bearer ")),
        Tuple.of(1, Arbitraries.of("bearer ", "BEARER ", "Bearer", "Bearer  ", "Bearer\t", " Bearer ", "Basic ",
            "Token ", "Digest ", "", "Bearer Bearer ", "Bearer ${key.internal} ")));
    Arbitrary<String> value = Combinators.combine(scheme, credential()).as(String::concat);
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(List.of())),
        Tuple.of(10, value.map(v -> List.of(new Header("Authorization", v)))),
        Tuple.of(3, basic().map(v -> List.of(new Header("Authorization", v)))),
        Tuple.of(1, Combinators.combine(value, value)
            .as((a, b) -> List.of(new Header("Authorization", a), new Header("Authorization", b)))),
        Tuple.of(1, value.map(v -> List.of(new Header("authorization", v)))));
  }

  /**
   * HTTP Basic (the OAuth endpoints' {@code client_secret_basic}): {@code ${…:basic}} is base64 of
   * {@code gateway:<value>}, {@code ${…:basicpct}} the same with the value form-encoded first; and Basic broken
   * in every way: not base64, no colon, not UTF-8, a raw key, empty.
   */
  static Arbitrary<String> basic() {
    Arbitrary<String> real = Combinators.combine(Arbitraries.of(REAL_CREDENTIALS), Arbitraries.of("basic", "basicpct"))
        .as((ref, modifier) -> "${" + ref + ":" + modifier + "}");
    Arbitrary<String> broken = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("!!!", "${key.internal}", "Z2F0ZXdheQ==", "//79", "Og==", "OnNlY3JldA", "=", "====",
            "Z2F0ZXdheTo", "${key.internal:pct}", "")),
        Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(60).map(b -> Base64.getEncoder().encodeToString(b))),
        Tuple.of(1, Arbitraries.strings().ascii().ofMaxLength(40)),
        Tuple.of(1, Arbitraries.integers().between(5000, 7000).map(n -> "QUFB".repeat(n / 4))));
    Arbitrary<String> scheme = Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.just("Basic ")),
        Tuple.of(1, Arbitraries.of("basic ", "BASIC ", "Basic", "Basic  ", "Basic\t", " Basic ")));
    return Combinators.combine(scheme, Arbitraries.frequencyOf(Tuple.of(3, real), Tuple.of(2, broken))).as(String::concat);
  }

  /** X-User-ID: a gateway asserting a user (honoured only with an internal key). */
  private static Arbitrary<List<Header>> userIdHeaders() {
    Arbitrary<String> value = Arbitraries.frequencyOf(
        Tuple.of(5, ids()),
        Tuple.of(1, Arbitraries.of("", " ", "${account.alice} ", "${account.alice},${account.bound}", "*", "0")),
        Tuple.of(1, Arbitraries.integers().between(5000, 12000).map(n -> "1".repeat(n))));
    return Arbitraries.frequencyOf(
        Tuple.of(6, value.map(v -> List.of(new Header("X-User-ID", v)))),
        Tuple.of(1, Combinators.combine(value, value)
            .as((a, b) -> List.of(new Header("X-User-ID", a), new Header("x-user-id", b)))));
  }

  /**
   * What a proxy says about the original request to forward auth (X-Forwarded-* as Traefik and Caddy send them,
   * X-Original-* as nginx configurations do): right, bent, repeated, contradicting each other.
   */
  private static Arbitrary<List<Header>> forwardedHeaders() {
    Arbitrary<String> method = Arbitraries.of("GET", "POST", "DELETE", "PROPFIND", "get", "BREW", "", " ", "G ET",
        "GET\u0000", "POST, GET", "\u00e9");
    Arbitrary<String> uri = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("/", "/orders/7?x=1", "/a/b/c", "/api/v1/user/me", "/?", "/a?b=c&b=d", "/%41")),
        Tuple.of(3, Arbitraries.of("", "a", "//evil.example/x", "http://evil.example/x", "/%zz", "/%", "/a#f",
            "/a b", "/a\tb", "/\u00e9", "*", "/a/../../b", "/..")),
        Tuple.of(1, Arbitraries.integers().between(1000, 9000).map(n -> "/" + "u".repeat(n))));
    Arbitrary<String> host = Arbitraries.of("app.example.com", "app.example.com:8443", "[::1]:443", "", "a b",
        "a.example, b.example", "app.example.com:99999", "\u00e9.example", "@evil");
    Arbitrary<String> proto = Arbitraries.of("https", "http", "HTTPS", "ftp", "", "https, http");
    Arbitrary<Header> header = Arbitraries.frequencyOf(
        Tuple.of(3, method.map(v -> new Header("X-Forwarded-Method", v))),
        Tuple.of(1, method.map(v -> new Header("X-Original-Method", v))),
        Tuple.of(3, uri.map(v -> new Header("X-Forwarded-Uri", v))),
        Tuple.of(1, uri.map(v -> new Header("X-Original-URI", v))),
        Tuple.of(2, host.map(v -> new Header("X-Forwarded-Host", v))),
        Tuple.of(2, proto.map(v -> new Header("X-Forwarded-Proto", v))));
    return header.list().ofMinSize(1).ofMaxSize(5);
  }

  /** Signature-Input, Signature and Content-Digest in RFC 8941 shapes, mostly almost right. */
  private static Arbitrary<List<Header>> signatureHeaders() {
    Arbitrary<String> label = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just("sig1")),
        Tuple.of(1, Arbitraries.of("sig", "x", "*a", "A", "1a", "", "sig1 ", "sig-1.a*", "é")));
    Arbitrary<String> component = Arbitraries.of("\"@method\"", "\"@target-uri\"", "\"authorization\"",
        "\"content-digest\"", "\"@path\"", "\"@query\"", "\"@authority\"", "\"@scheme\"", "\"@request-target\"",
        "\"x-user-id\"", "\"@status\"", "\"@unknown\"", "\"Authorization\"", "\"\"", "\"@method", "\"a\\b\"", "@method",
        "\"\u00e9\"", "\"@method\";req", "\"@method\";key=\"x\"");
    Arbitrary<String> param = Arbitraries.of(";created=${now}", ";created=${now}", ";created=${now:stale}",
        ";created=0", ";created=-1", ";created=9999999999999999", ";created=99999999999999999", ";created=abc",
        ";created=\"${now}\"", ";created", ";nonce=\"n-${now}\"", ";nonce=\"\"", ";nonce=n", ";nonce=\"" + "n".repeat(300) + "\"",
        ";alg=\"ed25519\"", ";alg=\"rsa-pss-sha512\"", ";alg=ed25519", ";expires=1", ";expires=${now}",
        ";keyid=\"k\"", ";keyid=:AAAA:", ";keyid=\"${session.bound}\"", ";keyid=\"${session.alice}\"",
        ";keyid=\"${session.bound:upper}\"", ";keyid=\"${session.alice.revoked}\"", ";tag=\"t\"", ";created=1;created=2", ";;", ";=");
    Arbitrary<String> input = Combinators.combine(label, component.list().ofMaxSize(6), param.list().ofMaxSize(6),
            Arbitraries.of("", "", "", ", sig2=()", ",", " , other=(\"@method\")"))
        .as((l, items, params, more) -> l + "=(" + String.join(" ", items) + ")" + String.join("", params) + more);
    Arbitrary<String> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(80)
        .map(b -> Base64.getEncoder().encodeToString(b));
    Arbitrary<String> signature = Arbitraries.frequencyOf(
        Tuple.of(4, Combinators.combine(label, bytes).as((l, b) -> l + "=:" + b + ":")),
        Tuple.of(1, Combinators.combine(label, Arbitraries.strings().ascii().ofMaxLength(30)).as((l, s) -> l + "=:" + s + ":")),
        Tuple.of(1, Arbitraries.of("sig1=", "sig1=::", "sig1=:", "sig1", "=:AAAA:", "sig1=:AAAA:, sig1=:BBBB:",
            "sig1=:" + "A".repeat(6000) + ":")));
    Arbitrary<String> digest = Arbitraries.frequencyOf(
        Tuple.of(3, bytes.map(b -> "sha-256=:" + b + ":")),
        Tuple.of(1, Arbitraries.of("sha-512=:AAAA:", "sha-256=", "sha-256=:%%%:", "SHA-256=:AAAA:", "sha-256=:AAAA:;x=1",
            "sha-256=:AAAA:, sha-256=:BBBB:", "")));
    Arbitrary<String> junk = Arbitraries.strings().all().ofMaxLength(40);
    return Arbitraries.frequencyOf(
        Tuple.of(5, Combinators.combine(input, signature, digest).as((i, s, d) -> List.of(
            new Header("Signature-Input", i), new Header("Signature", s), new Header("Content-Digest", d)))),
        Tuple.of(2, Combinators.combine(input, signature).as((i, s) -> List.of(
            new Header("Signature-Input", i), new Header("Signature", s)))),
        Tuple.of(1, input.map(i -> List.of(new Header("Signature-Input", i)))),
        Tuple.of(1, Combinators.combine(input, input, signature).as((a, b, s) -> List.of(
            new Header("Signature-Input", a), new Header("Signature-Input", b), new Header("Signature", s)))),
        Tuple.of(1, Combinators.combine(junk, junk, junk).as((a, b, c) -> List.of(
            new Header("Signature-Input", a), new Header("Signature", b), new Header("Content-Digest", c)))));
  }

  private static Arbitrary<List<Header>> contentType(BodyKind body) {
    Arbitrary<String> value = Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.just("application/json")),
        Tuple.of(1, Arbitraries.of("application/json; charset=utf-8", "APPLICATION/JSON", "application/json;charset=latin1",
            "application/json; charset=\"utf-16\"", "Application/Json ; q=1", "application/json;;;", "application/json, text/plain")),
        Tuple.of(3, Arbitraries.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
            "multipart/form-data", "multipart/mixed; boundary=\"\"", "application/problem+json", "application/jsonx",
            "application/*", "*/*", "", "json", "application/json\u0000", "application/\u00e9son", "text/json")),
        Tuple.of(1, Arbitraries.strings().ascii().ofMaxLength(30)));
    Arbitrary<String> form = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just("application/x-www-form-urlencoded")),
        Tuple.of(1, Arbitraries.of("application/x-www-form-urlencoded; charset=UTF-8", "APPLICATION/X-WWW-FORM-URLENCODED",
            "application/x-www-form-urlencoded;charset=iso-8859-1", "application/x-www-form-urlencoded, application/json",
            "application/x-www-form-urlencodedx", "x-www-form-urlencoded")));
    return Arbitraries.frequencyOf(
        Tuple.of(body == BodyKind.NONE ? 4 : 1, Arbitraries.just(List.of())),
        Tuple.of(6, value.map(v -> List.of(new Header("Content-Type", v)))),
        Tuple.of(body == BodyKind.TOKEN ? 6 : 0, form.map(v -> List.of(new Header("Content-Type", v)))),
        Tuple.of(1, Combinators.combine(value, value)
            .as((a, b) -> List.of(new Header("Content-Type", a), new Header("Content-Type", b)))));
  }

  private static Arbitrary<List<Header>> otherHeaders() {
    Arbitrary<String> name = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("X-Forwarded-For", "Forwarded", "X-Real-IP", "traceparent", "tracestate", "baggage",
            "Accept", "Accept-Encoding", "Accept-Language", "Accept-Charset", "Origin", "Referer", "Cookie", "X-Request-ID",
            "Content-Encoding", "Content-Language", "Range", "If-None-Match", "If-Modified-Since", "User-Agent",
            "X-HTTP-Method-Override", "Cache-Control", "Max-Forwards", "Via", "TE", "Trailer", "Prefer")),
        Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').withChars('-', '_', '.', '!', '~').ofMinLength(1).ofMaxLength(30)));
    Arbitrary<String> value = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.strings().ascii().ofMaxLength(60)),
        Tuple.of(2, Arbitraries.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "ff-" + "f".repeat(32) + "-"
            + "f".repeat(16) + "-ff", "00-zz-zz-00", "gzip", "br, gzip;q=0", "deflate", "bytes=0-1,2-3", "bytes=-1",
            "1.2.3.4, 5.6.7.8", "for=\"[::1]\";proto=https", "*", "${token.alice}", "Bearer ${key.admin}",
            "application/problem+json", "text/html;q=0.9, */*;q=0.1", "DELETE", "0", "-1")),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0080', '\u00ff').ofMaxLength(20)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20)),
        Tuple.of(1, Arbitraries.integers().between(4000, 12000).map(n -> "v".repeat(n))));
    return Combinators.combine(name, value).as(Header::new).list().ofMinSize(1).ofMaxSize(3);
  }

  // ---------------------------------------------------------------------------------------------------
  // Bodies

  /** A body; {@code binary}: one char per byte, so it can hold bytes that are not UTF-8. */
  record Body(String text, boolean binary) {
    static final Body NONE = new Body(null, false);

    static Body of(String text) {
      return new Body(text, false);
    }
  }

  private static Arbitrary<Body> body(BodyKind kind) {
    return switch (kind) {
      case NONE -> Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(Body.NONE)), Tuple.of(3, anyBody()));
      case CREATE -> Arbitraries.frequencyOf(Tuple.of(6, createBody().map(Body::of)), Tuple.of(3, anyBody()),
          Tuple.of(1, Arbitraries.just(Body.NONE)));
      case TOKEN -> Arbitraries.frequencyOf(Tuple.of(4, introspectBody().map(Body::of)),
          Tuple.of(4, tokenForm().map(Body::of)), Tuple.of(3, anyBody()), Tuple.of(1, Arbitraries.just(Body.NONE)));
      case LOGIN_EMAIL -> Arbitraries.frequencyOf(Tuple.of(6, loginEmailBody().map(Body::of)), Tuple.of(3, anyBody()),
          Tuple.of(1, Arbitraries.just(Body.NONE)));
      case LOGIN_VERIFY -> Arbitraries.frequencyOf(Tuple.of(6, loginVerifyBody().map(Body::of)), Tuple.of(3, anyBody()),
          Tuple.of(1, Arbitraries.just(Body.NONE)));
      case LOGIN_TELEGRAM -> Arbitraries.frequencyOf(Tuple.of(6, telegramBody().map(Body::of)), Tuple.of(3, anyBody()),
          Tuple.of(1, Arbitraries.just(Body.NONE)));
      case IDENTITY -> Arbitraries.frequencyOf(Tuple.of(6, identityValue().map(Body::of)), Tuple.of(3, anyBody()),
          Tuple.of(1, Arbitraries.just(Body.NONE)));
      case REASON -> Arbitraries.frequencyOf(Tuple.of(4, reasonBody().map(Body::of)), Tuple.of(3, anyBody()),
          Tuple.of(3, Arbitraries.just(Body.NONE)));
    };
  }

  static Arbitrary<Body> anyBody() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(Body.of(""))),
        Tuple.of(5, json().map(Body::of)),
        Tuple.of(1, deepNesting().map(Body::of)),
        Tuple.of(1, hugeNumbers().map(Body::of)),
        Tuple.of(2, Combinators.combine(Arbitraries.oneOf(json(), createBody(), introspectBody()), Arbitraries.integers().between(0, 100))
            .as((text, cut) -> Body.of(text.substring(0, text.length() * cut / 100)))),
        Tuple.of(2, Arbitraries.of("{\"token\":\"a\",}", "{'token':'a'}", "{\"token\":NaN}", "{\"token\":Infinity}",
            "{\"token\":\"a\"} trailing", "{\"token\":\"a\"}{\"token\":\"b\"}", "// comment\n{}", "/* c */ {}",
            "\ufeff{\"token\":\"${token.alice}\"}", "{\"token\":\"\\ud800\"}", "{\"token\":\"\\u0000\"}",
            "{\"token\":\"\\x41\"}", "{\"token\" \"a\"}", "{token:\"a\"}", "[", "]", "}", "{", "\"", "nul", "tru",
            "null", "true", "0", "-", "1e", "{\"a\":01}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":0x10}", "\u0000",
            "{\"identity\":{\"kind\":\"email\",\"subject\":\"dup@example.com\"},\"identity\":\"x\"}")
            .map(Body::of)),
        Tuple.of(1, Arbitraries.of("kind=email&subject=a%40example.com", "--xyz\r\nContent-Disposition: form-data; "
            + "name=\"a\"\r\n\r\nb\r\n--xyz--\r\n", "--xyz\r\n\r\n", "<identity kind=\"email\"/>", "token=${token.alice}")
            .map(Body::of)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(60).map(Body::of)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(60).map(s -> new Body(s, true))),
        Tuple.of(1, Arbitraries.integers().between(4097, 20000)
            .map(n -> Body.of("{\"token\":\"" + "a".repeat(n) + "\"}"))));
  }

  /** Random JSON text: any values, nested a little, with keys the API knows and strings no API expects. */
  static Arbitrary<String> json() {
    return Arbitraries.recursive(HostileRequests::jsonLeaf, inner -> Arbitraries.frequencyOf(
        Tuple.of(1, inner.list().ofMaxSize(4).map(items -> "[" + String.join(",", items) + "]")),
        Tuple.of(2, Combinators.combine(jsonKey(), inner).as((k, v) -> k + ":" + v).list().ofMaxSize(5)
            .map(members -> "{" + String.join(",", members) + "}"))), 0, 4);
  }

  private static Arbitrary<String> jsonKey() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("identity", "kind", "subject", "token", "device", "client_public_key", "keep_current",
            "account_id", "session_id", "").map(HostileRequests::quote)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(8).map(HostileRequests::quote)));
  }

  private static Arbitrary<String> jsonLeaf() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.of("null", "true", "false", "0", "-0", "1", "-1", "0.0", "1e308", "-1e308", "1e-400",
            "4.9e-324", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1E+2", "123456789012345678901234567890")),
        Tuple.of(1, Arbitraries.longs().map(String::valueOf)),
        Tuple.of(1, Arbitraries.doubles().map(String::valueOf).filter(s -> !s.contains("N") && !s.contains("I"))),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(30).map(HostileRequests::quote)),
        Tuple.of(2, Arbitraries.of("${token.alice}", "${token.revoked}", "${token.bound:tail}", "${key.internal}",
            "${account.alice}", "${session.alice}", "email", "telegram", "${email.alice}", "12345", "").map(HostileRequests::quote)));
  }

  /** An identity object ({@code {"kind","subject"}}) with its parts wrong in every way, and now and then right. */
  static Arbitrary<String> identityValue() {
    Arbitrary<String> kind = Arbitraries.of("\"email\"", "\"email\"", "\"telegram\"", "\"Email\"", "\"EMAIL\"",
        "\"phone\"", "\"\"", "null", "42", "[]", "{}", "\"email\\u0000\"", "\"telegram \"");
    Arbitrary<String> subject = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("${email.alice}", "${email.dormant}", "Fuzz@Example.COM ", "not-an-email", "a@b",
            "@example.com", "a@@example.com", "a b@example.com", "a\u0000@example.com", "a\u202e@example.com",
            "\u0661\u0662\u0663", "123456789", "0", "-5", "+5", "00123", "99999999999999999999", "12345678901234567890",
            "9223372036854775807", "1e3", " 42 ", "\ud800@example.com", "").map(HostileRequests::quote)),
        Tuple.of(1, Arbitraries.of("42", "null", "[]", "{}", "true")),
        Tuple.of(1, Arbitraries.integers().between(60, 400).map(n -> quote("a".repeat(n) + "@example.com"))),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(30).map(s -> quote(s + "@example.com"))),
        Tuple.of(2, unicodeEdge().map(s -> quote(s + "@example.com"))),
        Tuple.of(1, unicodeEdge().map(s -> quote("kate@" + s + ".com"))),
        Tuple.of(1, unicodeEdge().map(HostileRequests::quote)));
    Arbitrary<String> identity = Arbitraries.frequencyOf(
        Tuple.of(8, Combinators.combine(kind, subject).as((k, s) -> "{\"kind\":" + k + ",\"subject\":" + s + "}")),
        Tuple.of(1, subject.map(s -> "{\"subject\":" + s + "}")),
        Tuple.of(1, kind.map(k -> "{\"kind\":" + k + "}")),
        Tuple.of(1, Arbitraries.of("null", "\"email\"", "42", "[]", "{}", "[{\"kind\":\"email\",\"subject\":\"a@example.com\"}]")));
    return identity;
  }

  /** A create-session body: the right shape with at least one part wrong, and now and then all of it right. */
  static Arbitrary<String> createBody() {
    Arbitrary<String> identity = identityValue();
    Arbitrary<String> key = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofSize(32).map(b -> quote(Base64.getEncoder().encodeToString(b)))),
        Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(60).map(b -> quote(Base64.getEncoder().encodeToString(b)))),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofSize(32).map(b -> quote(Base64.getUrlEncoder().encodeToString(b)))),
        Tuple.of(1, Arbitraries.of("null", "42", "\"\"", "\"%%%\"", "\"AAAA\"", "[]", "\"" + "A".repeat(65) + "\"",
            "\"" + "A".repeat(43) + "=\\n\"")));
    Arbitrary<String> device = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.of("\"laptop\"", "null", "\"\"", "42", "[\"x\"]", "{}", "\"\\u0000\"", "\"a\\u0000b\"",
            "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\u202e\"")),
        Tuple.of(1, Arbitraries.integers().between(195, 205).map(n -> quote("d".repeat(n)))),
        Tuple.of(1, Arbitraries.integers().between(95, 105).map(n -> quote("\ud83d\udcf1".repeat(n)))),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(40).map(HostileRequests::quote)),
        Tuple.of(2, unicodeEdge().map(HostileRequests::quote)));
    Arbitrary<String> extra = Arbitraries.of("\"extra\":1", "\"token\":\"${token.alice}\"", "\"account_id\":\"${account.alice}\"",
        "\"identity\":null", "\"identity\":{\"kind\":\"email\",\"subject\":\"${email.alice}\"}", "\"device\":\"second\"");
    return Builders.withBuilder(() -> new ArrayList<String>())
        .use(identity).withProbability(0.9).in((m, v) -> add(m, "\"identity\":" + v))
        .use(key).withProbability(0.4).in((m, v) -> add(m, "\"client_public_key\":" + v))
        .use(device).withProbability(0.5).in((m, v) -> add(m, "\"device\":" + v))
        .use(extra).withProbability(0.2).in((m, v) -> add(m, v))
        .build(members -> "{" + String.join(",", members) + "}");
  }

  /** An email address as a login start carries it: well-formed, malformed, Unicode edge cases, other JSON types. */
  private static Arbitrary<String> emailValue() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("fuzz@example.com", "Fuzz@Example.COM ", "not-an-email", "a@b", "@example.com",
            "a@@example.com", "a\u0000@example.com", "\ud800@example.com", "k\u212Aate@example.com", "")
            .map(HostileRequests::quote)),
        Tuple.of(1, Arbitraries.of("42", "null", "[]", "{}", "true")),
        Tuple.of(1, Arbitraries.integers().between(240, 400).map(n -> quote("a".repeat(n) + "@example.com"))),
        Tuple.of(2, unicodeEdge().map(u -> quote(u + "@example.com"))),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(30).map(HostileRequests::quote)));
  }

  /** {@code POST /public/login/email}: {"email"} with the address wrong in every way, and extra members. */
  static Arbitrary<String> loginEmailBody() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, emailValue().map(e -> "{\"email\":" + e + "}")),
        Tuple.of(1, emailValue().map(e -> "{\"email\":" + e + ",\"email\":\"x@example.com\"}")),
        Tuple.of(1, emailValue().map(e -> "{\"Email\":" + e + "}")),
        Tuple.of(1, emailValue().map(e -> "{\"email\":" + e + ",\"extra\":[1,2]}")));
  }

  /** {@code POST /public/login/email/verify}: challenge ids and codes of every shape, with device and key. */
  static Arbitrary<String> loginVerifyBody() {
    Arbitrary<String> challenge = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.create(UUID::randomUUID).map(u -> quote(u.toString()))),
        Tuple.of(1, Arbitraries.of("\"not-a-uuid\"", "\"\"", "42", "null", "[]", "\"00000000-0000-0000-0000-000000000000\"",
            "\"${session.alice}\"", "\"${account.alice}\"")),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(40).map(HostileRequests::quote)));
    Arbitrary<String> code = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.integers().between(0, 999_999).map(n -> quote(String.format("%06d", n)))),
        Tuple.of(1, Arbitraries.of("\"12345\"", "\"1234567\"", "\"12a456\"", "\"\u0661\u0662\u0663\u0664\u0665\u0666\"",
            "123456", "null", "\"\"", "\" 123456\"", "\"123456\\u0000\"")),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(10).map(HostileRequests::quote)));
    Arbitrary<String> extra = Arbitraries.of("\"device\":\"phone\"", "\"device\":\"\\u0000\"", "\"device\":42",
        "\"client_public_key\":\"AAAA\"", "\"client_public_key\":\"" + "A".repeat(43) + "=\"", "\"extra\":{}");
    return Builders.withBuilder(() -> new ArrayList<String>())
        .use(challenge).withProbability(0.9).in((m, v) -> add(m, "\"challenge_id\":" + v))
        .use(code).withProbability(0.9).in((m, v) -> add(m, "\"code\":" + v))
        .use(extra).withProbability(0.3).in((m, v) -> add(m, v))
        .build(members -> "{" + String.join(",", members) + "}");
  }

  /** {@code POST /public/login/telegram}: widget objects and init_data strings, forged, stale, garbled or both. */
  static Arbitrary<String> telegramBody() {
    Arbitrary<String> value = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("\"123456\"", "123456", "\"Alice\"", "\"" + "ab".repeat(32) + "\"", "\"1700000000\"",
            "1700000000", "null", "[]", "{}", "\"\"", "-1", "1e400", "\"\\u0000\"")),
        Tuple.of(1, unicodeEdge().map(HostileRequests::quote)));
    Arbitrary<String> field = Arbitraries.of("id", "first_name", "username", "photo_url", "auth_date", "hash", "Hash",
        "extra", "", "id\\u0000");
    Arbitrary<String> widget = Combinators.combine(field, value).as((f, v) -> quote(f) + ":" + v).list().ofMaxSize(7)
        .map(members -> "{" + String.join(",", members) + "}");
    Arbitrary<String> initData = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("query_id=AAH&user=%7B%22id%22%3A42%7D&auth_date=1700000000&hash=" + "ab".repeat(32),
            "user=%7B%22id%22%3A42%7D&auth_date=1700000000", "hash=", "=&=&", "%", "%zz=1", "user=%7B&hash=00",
            "user=%7B%22id%22%3A%22x%22%7D&auth_date=1&hash=" + "00".repeat(32), "a=1&a=2&hash=00", "")
            .map(HostileRequests::quote)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(60).map(HostileRequests::quote)),
        Tuple.of(1, unicodeEdge().map(u -> quote("user=" + u + "&hash=00"))),
        Tuple.of(1, Arbitraries.of("42", "null", "[]", "{}")));
    return Arbitraries.frequencyOf(
        Tuple.of(4, widget.map(w -> "{\"widget\":" + w + "}")),
        Tuple.of(4, initData.map(i -> "{\"init_data\":" + i + "}")),
        Tuple.of(1, Combinators.combine(widget, initData).as((w, i) -> "{\"widget\":" + w + ",\"init_data\":" + i + "}")),
        Tuple.of(1, Arbitraries.of("{}", "{\"widget\":null}", "{\"init_data\":null}", "{\"widget\":\"x\"}")));
  }

  /** {@code POST /admin/accounts/{id}/disable}: an optional {"reason"} of every shape. */
  static Arbitrary<String> reasonBody() {
    Arbitrary<String> reason = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.of("\"fraud\"", "\"\"", "null", "42", "[]", "{}", "\"\\u0000\"", "\"a\\u202eb\"",
            "\"\\ud800\"", "\"line\\nbreak\"")),
        Tuple.of(1, Arbitraries.integers().between(195, 205).map(n -> quote("r".repeat(n)))),
        Tuple.of(1, Arbitraries.integers().between(95, 105).map(n -> quote("\ud83d\udcf1".repeat(n)))),
        Tuple.of(2, unicodeEdge().map(HostileRequests::quote)));
    return Arbitraries.frequencyOf(
        Tuple.of(5, reason.map(r -> "{\"reason\":" + r + "}")),
        Tuple.of(1, reason.map(r -> "{\"reason\":" + r + ",\"extra\":1}")),
        Tuple.of(1, Arbitraries.of("{}", "{\"Reason\":\"x\"}")));
  }

  static Arbitrary<String> introspectBody() {
    Arbitrary<String> token = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(REAL_CREDENTIALS).map(ref -> quote("${" + ref + "}"))),
        Tuple.of(2, credential().map(HostileRequests::quote)),
        Tuple.of(1, Arbitraries.of("42", "null", "true", "[]", "{}", "[\"${token.alice}\"]", "{\"token\":\"${token.alice}\"}",
            "\"lk_\\u0000\"", "\"${token.alice}\\u0000\"")));
    return Arbitraries.frequencyOf(
        Tuple.of(6, token.map(t -> "{\"token\":" + t + "}")),
        Tuple.of(1, token.map(t -> "{\"token\":" + t + ",\"token\":\"x\"}")),
        Tuple.of(1, token.map(t -> "{\"token\":\"x\",\"token\":" + t + "}")),
        Tuple.of(1, token.map(t -> "{\"token\":" + t + ",\"token_type_hint\":\"access_token\",\"extra\":[1,2]}")),
        Tuple.of(1, token.map(t -> "{\"Token\":" + t + "}")));
  }

  /**
   * RFC 7662 / RFC 7009 form bodies: {@code token=…[&token_type_hint=…]} right, repeated, missing, misnamed,
   * with malformed escapes, JSON sent as a form, and huge.
   */
  static Arbitrary<String> tokenForm() {
    Arbitrary<String> token = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(REAL_CREDENTIALS).map(ref -> "${" + ref + "}")),
        Tuple.of(2, credential()),
        Tuple.of(1, Arbitraries.of("", "%", "%zz", "%2", "%00", "%E2%80%AE", "lk_%00", "+", "%2B", "a=b", "&", "%26",
            "${token.alice}%00", "${token.alice:pct}", "%C0%AF", "%FF%FE")));
    Arbitrary<String> hint = Arbitraries.of("access_token", "refresh_token", "", "%zz", "Bearer", "x".repeat(300));
    return Arbitraries.frequencyOf(
        Tuple.of(6, token.map(t -> "token=" + t)),
        Tuple.of(3, Combinators.combine(token, hint).as((t, h) -> "token=" + t + "&token_type_hint=" + h)),
        Tuple.of(1, Combinators.combine(token, hint).as((t, h) -> "token_type_hint=" + h + "&token=" + t + "&")),
        Tuple.of(1, token.map(t -> "token=" + t + "&token=" + t)),
        Tuple.of(1, token.map(t -> "token=" + t + "&token_type_hint=a&token_type_hint=b")),
        Tuple.of(1, token.map(t -> "client_id=gateway&client_secret=${key.internal}&token=" + t)),
        Tuple.of(1, token.map(t -> "{\"token\":\"" + t + "\"}")),
        Tuple.of(1, Arbitraries.of("", "=", "&", "&&&", "token", "TOKEN=${token.alice}", "tok%65n=${token.alice}",
            "token_type_hint=access_token", "a=1&b=2", "%", "%zz=%zz")),
        Tuple.of(1, Arbitraries.integers().between(5000, 16000).map(n -> "token=lk_" + "A".repeat(n))),
        Tuple.of(1, Arbitraries.integers().between(100, 400).map(n -> "a=1&".repeat(n) + "token=${token.alice}")));
  }

  private static Arbitrary<String> deepNesting() {
    return Combinators.combine(Arbitraries.integers().between(100, 20000), Arbitraries.of("[", "{\"a\":", "{\"token\":["),
            Arbitraries.of(true, false))
        .as((depth, open, closed) -> {
          String close = switch (open) {
            case "[" -> "]";
            case "{\"a\":" -> "}";
            default -> "]}";
          };
          return open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
        });
  }

  private static Arbitrary<String> hugeNumbers() {
    Arbitrary<String> digits = Arbitraries.integers().between(300, 4000).map(n -> "9".repeat(n));
    return Combinators.combine(digits, Arbitraries.of("{\"token\":%s}", "{\"identity\":{\"kind\":\"telegram\",\"subject\":%s}}",
            "{\"device\":%s}", "[%s]", "%s", "{\"a\":-%s}", "{\"a\":0.%s}", "{\"a\":1e%s}", "{\"a\":%s.%s}"))
        .as((d, template) -> template.replace("%s", d));
  }

  // ---------------------------------------------------------------------------------------------------
  // Raw bytes on the wire

  /** Byte sequences at the HTTP/1.1 parser itself: request lines, header blocks and framing no client sends. */
  static Arbitrary<Wire> wire() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, requestLine()),
        Tuple.of(3, headerBlock()),
        Tuple.of(3, framing()),
        Tuple.of(1, truncated()));
  }

  private static Arbitrary<String> target() {
    return Arbitraries.of(ROUTES).map(r -> r.path().replace("{id}", "${session.dormant}"));
  }

  private static final String END = "Host: 127.0.0.1\r\nConnection: close\r\n\r\n";

  private static Arbitrary<Wire> requestLine() {
    Arbitrary<String> method = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("GET", "POST", "DELETE")),
        Tuple.of(1, Arbitraries.of("", "G ET", "GET\u0000", "GÉT", "\u00ff", "CONNECT", "PRI", "-", "GET GET")),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(8)));
    Arbitrary<String> target = Arbitraries.frequencyOf(
        Tuple.of(3, target()),
        Tuple.of(3, Combinators.combine(target(), Arbitraries.of("%", "%zz", "%%", "%0", "%00", "%C0%AF", "%ff", " x",
            "\u0000", "\u0001", "\t", "\u007f", "\u00e9", "\u00c3\u00a9", "\u00e2\u0080\u00ae", "?%zz", "?a=%", "?keep_current=%zz",
            "?kind=email&subject=%E0%80", "#", "\\", "/..", "/../../etc/passwd", "?\u0000"))
            .as(String::concat)),
        Tuple.of(1, Arbitraries.of("*", "", "http://evil.example/api/v1/user/me", "http://127.0.0.1/api/v1/public/ping",
            "api/v1/public/ping", "//", "/\u0000", "%2Fapi%2Fv1%2Fpublic%2Fping", "HTTP/1.1")),
        Tuple.of(1, Combinators.combine(target(), Arbitraries.integers().between(3000, 12000))
            .as((t, n) -> t + "/" + "x".repeat(n))));
    Arbitrary<String> version = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(" HTTP/1.1")),
        Tuple.of(1, Arbitraries.of(" HTTP/1.0", " HTTP/1.2", " HTTP/2.0", " HTTP/0.9", " HTTP/1", " http/1.1", " HTTP/1.1x",
            "", " ", "  HTTP/1.1", " HTTP/1.1 extra", "\tHTTP/1.1", " HTTP/11.1", " HTTP/1.1\u0000")));
    Arbitrary<String> lead = Arbitraries.of("", "", "", "\r\n", "\r\n\r\n", " ", "\u0000");
    Arbitrary<String> eol = Arbitraries.of("\r\n", "\r\n", "\n", "\r", "\n\r");
    Arbitrary<String> headers = authorizationLine().map(a -> a + "Content-Length: 0\r\n" + END);
    return Combinators.combine(lead, method, target, version, eol, headers)
        .as((l, m, t, v, e, h) -> new Wire("request line", l + m + " " + t + v + e + h, m.equals("HEAD"), false));
  }

  private static Arbitrary<String> authorizationLine() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just("")),
        Tuple.of(3, credential().map(c -> "Authorization: Bearer " + latin1(c) + "\r\n")));
  }

  private static Arbitrary<Wire> headerBlock() {
    Arbitrary<String> bad = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("NoColon\r\n", "Authorization : Bearer ${token.alice}\r\n", " folded: x\r\n",
            "X-A: a\r\n continued\r\n", "X-A: a\r\n\tcontinued\r\n", "Na me: v\r\n", "X-A:\u0000v\r\n", "X-A: v\rX-B: w\r\n",
            "X-A: v\u0000\r\n", "\u00e9: v\r\n", ": empty name\r\n", "X-A\u0000: v\r\n", "X-A: \u00ff\u00fe\r\n",
            "X-User-ID: ${account.alice}\u0000\r\n", "Authorization: Bearer ${token.alice}\u0000\r\n",
            "Authorization: Bearer ${token.alice}\r\nAuthorization: Bearer x\r\n", "Host: evil.example\r\n", "Host:\r\n",
            "Host: 127.0.0.1:99999\r\n", "Host: [::1\r\n", "Host: a b\r\n", "Connection: keep-alive, close, upgrade\r\n",
            "Upgrade: h2c\r\nHTTP2-Settings: !!!\r\nConnection: Upgrade, HTTP2-Settings\r\n",
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\n", "Expect: 100-continue\r\n",
            "Expect: 200-ok\r\n", "Content-Type: application/json\r\n", "Content-Type: \u0000\r\n", "\r\n")),
        Tuple.of(1, Arbitraries.integers().between(4000, 20000).map(n -> "X-Big: " + "b".repeat(n) + "\r\n")),
        Tuple.of(1, Arbitraries.integers().between(50, 400).map(n -> "X-Many: m\r\n".repeat(n))),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(40).map(s -> s + "\r\n")));
    Arbitrary<String> method = Arbitraries.of("GET", "POST", "DELETE", "HEAD");
    return Combinators.combine(method, target(), authorizationLine(), bad.list().ofMinSize(1).ofMaxSize(3),
            Arbitraries.of(true, false))
        .as((m, t, a, lines, host) -> new Wire("header block",
            m + " " + t + " HTTP/1.1\r\n" + (host ? "Host: 127.0.0.1\r\n" : "") + a + String.join("", lines)
                + "Content-Length: 0\r\nConnection: close\r\n\r\n", m.equals("HEAD"), false));
  }

  /**
   * Conflicting or broken message framing. Requests that are complete however the server reads them are
   * sent as they are and must be answered; those the server may rightly read as still incomplete (a longer
   * Content-Length than the body, an unterminated chunk) are half-closed after sending, so the server sees
   * they will never complete, and they go to introspection, which never writes.
   */
  private static Arbitrary<Wire> framing() {
    Arbitrary<String> body = Arbitraries.oneOf(createBody(), introspectBody(), Arbitraries.just("")).map(HostileRequests::latin1);
    Arbitrary<String> complete = Arbitraries.of(
        "Content-Length: -1\r\n\r\n%b", "Content-Length: abc\r\n\r\n%b", "Content-Length: %n, %n\r\n\r\n%b",
        "Content-Length: %n\r\nContent-Length: 1\r\n\r\n%b", "Content-Length: +%n\r\n\r\n%b",
        "Content-Length:  %n \r\n\r\n%b", "Content-Length: 0x10\r\n\r\n%b", "Content-Length: 0\r\n\r\n%b",
        "Transfer-Encoding: chunked\r\n\r\nzz\r\n%b\r\n0\r\n\r\n", "Transfer-Encoding: chunked\r\n\r\n-1\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked\r\n\r\n%h\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked\r\n\r\n%h\r\n%b\r\n0\r\nX-Trailer: ${token.alice}\r\n\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: %n\r\n\r\n%h\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked, gzip\r\n\r\n%h\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: identity\r\nContent-Length: %n\r\n\r\n%b",
        "Content-Encoding: gzip\r\nContent-Length: %n\r\n\r\n%b",
        "Content-Length: %n\r\n\r\n%bGARBAGE / HTTP/1.1\r\n\r\n", "Content-Length: %n\r\n\r\n%b\r\n\r\n\u0000\u0000",
        "Transfer-Encoding: chunked\r\n\r\n%h;ext=1\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked\r\n\r\n%h;a=1;b=\"x y\";c\r\n%b\r\n0;last=yes\r\n\r\n",
        "Transfer-Encoding: CHUNKED\r\n\r\n%h;ext\r\n%b\r\n0\r\n\r\n");
    Arbitrary<String> incomplete = Arbitraries.of(
        "Content-Length: 99999999999999999999\r\n\r\n%b", "Content-Length: %n0\r\n\r\n%b",
        "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n%b", "Transfer-Encoding: chunked\r\n\r\n%h;ext=\"x\r\n%b",
        "Transfer-Encoding: chunked\r\n\r\n%h\r\n%b", "Transfer-Encoding: gzip\r\n\r\n%b",
        "Transfer-Encoding: chunked, gzip\r\n\r\n%b", "Transfer-Encoding: \u0000chunked\r\n\r\n%b",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n%h\r\n%b\r\n0\r\n\r\n");
    Arbitrary<String> method = Arbitraries.of("POST", "POST", "DELETE", "GET");
    Arbitrary<String> contentType = Arbitraries.of("Content-Type: application/json\r\n", "");
    Arbitrary<Wire> sent = Combinators.combine(method, target(), authorizationLine(), contentType, complete, body)
        .as((m, t, a, c, f, b) -> new Wire("framing", m + " " + t + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + a + c + frame(f, b), false, false));
    Arbitrary<Wire> halfClosed = Combinators.combine(authorizationLine(), incomplete, body)
        .as((a, f, b) -> new Wire("incomplete framing", "POST /api/v1/internal/sessions/introspect HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\nContent-Type: application/json\r\n" + a + frame(f, b), false, true));
    return Arbitraries.frequencyOf(Tuple.of(3, sent), Tuple.of(1, halfClosed), Tuple.of(2, strictFraming(body)));
  }

  /**
   * Framing SPEC §10 refuses: Content-Length with Transfer-Encoding, a transfer coding other than one final
   * chunked, a malformed chunk line, two Authorization headers. Each must be answered 400 ("strict framing").
   */
  private static Arbitrary<Wire> strictFraming(Arbitrary<String> body) {
    Arbitrary<String> framing = Arbitraries.of(
        "Content-Length: %n\r\nTransfer-Encoding: chunked\r\n\r\n%h\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: %n\r\n\r\n%h\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n%h\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: identity\r\nContent-Length: %n\r\n\r\n%b",
        "Transfer-Encoding: chunked, identity\r\n\r\n%h\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: identity, chunked\r\n\r\n%h\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: gzip, chunked\r\n\r\n%h\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked, chunked\r\n\r\n%h\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n%h\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: identity\r\n\r\n%h\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked\r\n\r\n%h;ext=\"x\r\n%b\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked\r\n\r\n%h;ext=\r\n%b\r\n0\r\n\r\n",
        "Authorization: Bearer ${key.admin}\r\nContent-Length: %n\r\n\r\n%b");
    // within HostileInputIT's body limit: over it, a 413 for the body is as right as the 400 for two Authorization
    // headers, and whichever the router meets first wins
    return Combinators.combine(framing, body.filter(b -> b.length() <= 4096))
        .as((f, b) -> new Wire("strict framing", "POST /api/v1/internal/sessions/introspect HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${key.internal}\r\n"
            + frame(f, b), false, false));
  }

  private static String frame(String template, String body) {
    return template.replace("%n", Integer.toString(body.length())).replace("%h", Integer.toHexString(body.length()))
        .replace("%b", body);
  }

  /** A request cut anywhere, then half-closed: the server must give up on it, not wait for the rest forever. */
  private static Arbitrary<Wire> truncated() {
    Arbitrary<String> whole = Combinators.combine(authorizationLine(), introspectBody().map(HostileRequests::latin1))
        .as((a, b) -> "POST /api/v1/internal/sessions/introspect HTTP/1.1\r\nHost: 127.0.0.1\r\n" + a
            + "Content-Type: application/json\r\nContent-Length: " + b.length() + "\r\n\r\n" + b);
    return Combinators.combine(whole, Arbitraries.integers().between(0, 99))
        .as((text, cut) -> new Wire("truncated", text.substring(0, text.length() * cut / 100), false, true));
  }

  // ---------------------------------------------------------------------------------------------------
  // Unicode edge cases in identity subjects, device labels and query parameters

  /**
   * Code points that Java and PostgreSQL, or two normalisations, disagree about: NUL and other controls (never
   * ASCII whitespace, which the identity rule trims), unpaired surrogates, zero-width and other invisible
   * characters, bidi controls, non-ASCII spaces, characters that some case mapping or normalisation turns into
   * ASCII (the Kelvin sign, dotless i, long s, full-width forms, superscripts), characters PostgreSQL's
   * {@code lower()} maps and Java 17 does not know (U+2C2F), lookalike digits and dots, U+FFFD, noncharacters.
   */
  static final List<String> UNICODE_EDGES = List.of(
      "\u0000", "\u0001", "\u000b", "\u001f", "\u007f", "\u0085", "\u009f",
      "\ud800", "\udbff", "\udc00", "\udfff",
      "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u3164", "\ufe0f", "\u180e",
      "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
      "\u061c",
      "\u00a0", "\u1680", "\u2002", "\u2007", "\u202f", "\u205f", "\u3000", "\u2028", "\u2029",
      "\u212a", "\u2126", "\u212b", "\u0130", "\u0131", "\u017f", "\u1e9e", "\u00df", "\u2c2f", "\u2c5f",
      "\ua7c0", "\uff21", "\uff41", "\uff4b", "\u00b2", "\u2074", "\u0301", "\u0307", "\u0308",
      "\uff11", "\u0661", "\u06f1", "\u0967", "\u3002", "\uff0e", "\uff61", "\uff20",
      "\ufffd", "\ufffe", "\uffff", "\ud835\udc00", "\ud83d\udcf1", "\ud83d\udc68\u200d\ud83d\udc69");

  /** Short strings of ASCII letters and digits with Unicode edge cases among them. */
  static Arbitrary<String> unicodeEdge() {
    Arbitrary<String> atom = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
            .ofMinLength(1).ofMaxLength(4)),
        Tuple.of(2, Arbitraries.of(UNICODE_EDGES)));
    return atom.list().ofMinSize(1).ofMaxSize(6).map(parts -> String.join("", parts));
  }

  /**
   * A subject next to a fixture's identity (its {@code fixture} names the account): {@code same} when it
   * differs from the fixture's subject only in surrounding ASCII whitespace, the case of ASCII letters, or the
   * Unicode and A-label forms of its domain, which SPEC §2 says is the same identity; otherwise one or more
   * edits no rule may fold (an edge character inserted, a letter or digit swapped for a lookalike, non-ASCII
   * space around it), so it must never reach the fixture's account.
   */
  record Lookalike(String kind, String subject, String fixture, boolean same) {

    @Override
    public String toString() {
      return kind + " " + clip(subject) + (same ? " (the same identity as " : " (another identity than ") + fixture + ")";
    }
  }

  private static final Map<Character, List<String>> LOOKALIKES = Map.ofEntries(
      Map.entry('k', List.of("\u212a", "\u03ba", "\u0138", "\uff4b")),
      Map.entry('i', List.of("\u0131", "\u0130", "\u0456", "\uff49", "i\u0307")),
      Map.entry('s', List.of("\u017f", "\u0455", "\uff53", "\u1e9e")),
      Map.entry('e', List.of("\u0435", "\uff45", "e\u0301")),
      Map.entry('x', List.of("\u0445", "\u2179")),
      Map.entry('a', List.of("\u0430", "\u0251")),
      Map.entry('m', List.of("\u043c", "\u217f")),
      Map.entry('c', List.of("\u0441", "\u217d")),
      Map.entry('o', List.of("\u043e", "\u03bf")),
      Map.entry('l', List.of("\u217c", "\u04cf")),
      Map.entry('n', List.of("\u0578", "\u207f")),
      Map.entry('d', List.of("\u217e", "\u0501")),
      Map.entry('\u00fc', List.of("u\u0308", "\u00dc")),
      Map.entry('4', List.of("\uff14", "\u0664", "\u06f4", "\u2074", "\u2463")),
      Map.entry('2', List.of("\uff12", "\u0662", "\u00b2", "\u2461")),
      Map.entry('.', List.of("\u3002", "\uff0e", "\uff61")),
      Map.entry('@', List.of("\uff20", "\ufe6b")));

  static Arbitrary<Lookalike> lookalikes() {
    Arbitrary<String[]> base = Arbitraries.of(
        new String[] {"email", "kiss@example.com", "account.kiss"},
        new String[] {"email", "kiss@m\u00fcnchen.de", "account.kiss.idn"},
        new String[] {"email", "kiss@xn--mnchen-3ya.de", "account.kiss.idn"},
        new String[] {"telegram", "4242", "account.tg"});
    Arbitrary<String> asciiSpace = Arbitraries.of("", "", " ", "\t", "\r\n", "\f", " \t ");
    Arbitrary<List<Boolean>> upper = Arbitraries.of(true, false).list().ofSize(32);
    Arbitrary<List<Edit>> edits = edit().list().ofMaxSize(2);
    return Combinators.combine(base, asciiSpace, asciiSpace, upper, edits).as((b, before, after, caps, changes) -> {
      String subject = b[1];
      StringBuilder cased = new StringBuilder();
      for (int i = 0; i < subject.length(); i++) {
        char c = subject.charAt(i);
        cased.append(c >= 'a' && c <= 'z' && caps.get(i % caps.size()) ? (char) (c - 32) : c);
      }
      String edited = cased.toString();
      for (Edit e : changes) {
        edited = e.apply(edited);
      }
      return new Lookalike(b[0], before + edited + after, b[2], changes.isEmpty());
    });
  }

  /** One change no rule may fold; {@code at} picks the place, modulo the subject's length. */
  private record Edit(int kind, int at, String edge) {

    String apply(String subject) {
      int i = Math.floorMod(at, subject.length());
      return switch (kind) {
        case 0 -> subject.substring(0, i) + edge + subject.substring(i);
        case 1 -> {
          for (int j = 0; j < subject.length(); j++) {
            int k = (i + j) % subject.length();
            List<String> swaps = LOOKALIKES.get(Character.toLowerCase(subject.charAt(k)));
            if (swaps != null) {
              yield subject.substring(0, k) + swaps.get(Math.floorMod(at, swaps.size())) + subject.substring(k + 1);
            }
          }
          yield edge + subject;
        }
        default -> at % 2 == 0 ? edge + subject : subject + edge;
      };
    }
  }

  private static Arbitrary<Edit> edit() {
    Arbitrary<String> space = Arbitraries.of("\u00a0", "\u3000", "\u2003", "\u200b", "\u0085", "\u000b", "\u0000",
        "\ufeff", "\u202e");
    Arbitrary<String> edge = Arbitraries.of(UNICODE_EDGES);
    return Arbitraries.frequencyOf(
        Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, 40), edge).as((at, e) -> new Edit(0, at, e))),
        Tuple.of(3, Combinators.combine(Arbitraries.integers().between(0, 40), edge).as((at, e) -> new Edit(1, at, e))),
        Tuple.of(1, Combinators.combine(Arbitraries.integers().between(0, 40), space).as((at, e) -> new Edit(2, at, e))));
  }

  /**
   * Text percent-encoded for a query parameter, byte by byte: UTF-8, except that an unpaired surrogate goes as
   * the three bytes a careless encoder writes for it (not valid UTF-8, which the server must refuse cleanly).
   */
  static String pct(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
        out.append((char) c);
        continue;
      }
      byte[] bytes = c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE
          ? new byte[] {(byte) (0xE0 | c >> 12), (byte) (0x80 | (c >> 6 & 0x3F)), (byte) (0x80 | (c & 0x3F))}
          : new String(Character.toChars(c)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (byte b : bytes) {
        out.append(String.format("%%%02X", b & 0xFF));
      }
    }
    return out.toString();
  }

  // ---------------------------------------------------------------------------------------------------

  /** A JSON string literal; control characters and lone surrogates as \\u escapes, so the JSON itself stays valid. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c) && !paired(s, i)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static boolean paired(String s, int i) {
    char c = s.charAt(i);
    return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
        : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  /** Text as it goes on the wire in UTF-8, one char per byte. */
  static String latin1(String text) {
    return new String(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static ArrayList<String> add(ArrayList<String> members, String member) {
    members.add(member);
    return members;
  }
}
