package io.latchkey.gateway.impl;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two routes of latchkey a gateway cache talks to, written down from SPEC §5a/§5c, on real HTTP servers
 * (one per "node", sharing one revocation log) so that unit tests can hold an answer back, cut a stream, or let
 * a node go away at exactly the moment they need. Cursors are event numbers as text; "0" is before the first.
 */
final class FakeLatchkey implements AutoCloseable {

  static final String KEY = "fake-internal-key";

  private final List<HttpServer> servers = new ArrayList<>();
  final List<Integer> ports = new ArrayList<>();
  final Map<String, JsonObject> records = new ConcurrentHashMap<>();
  final AtomicInteger recordRequests = new AtomicInteger();
  /** Every cursor a stream or a page was asked to resume from ({@code "-"} for none), with the port asked. */
  final List<String> resumedFrom = new ArrayList<>();
  private final List<JsonObject> log = new ArrayList<>();
  private final List<HttpServerResponse> streams = new ArrayList<>();
  private final List<HttpServerRequest> held = new ArrayList<>();
  private boolean holding;
  private int floor;

  private FakeLatchkey() {}

  static FakeLatchkey start(Vertx vertx, int nodes) throws Exception {
    FakeLatchkey fake = new FakeLatchkey();
    for (int i = 0; i < nodes; i++) {
      HttpServer server = vertx.createHttpServer().requestHandler(fake::handle).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      fake.servers.add(server);
      fake.ports.add(server.actualPort());
    }
    return fake;
  }

  List<String> baseUrls() {
    return ports.stream().map(p -> "http://127.0.0.1:" + p).toList();
  }

  /** A device-bound active session's record. */
  JsonObject activeRecord(String sessionId, String accountId) {
    JsonObject record = new JsonObject().put("session_id", sessionId).put("account_id", accountId)
        .put("client_public_key", "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=").put("status", "active")
        .put("revoked_at_ms", null).put("expires_at_ms", null);
    records.put(sessionId, record);
    return record;
  }

  void revokeRecord(String sessionId, long atMs) {
    records.computeIfPresent(sessionId, (id, r) -> r.copy().put("status", "revoked").put("revoked_at_ms", atMs));
  }

  /** Record requests wait until {@link #release()}, until {@link #letGo()}. */
  synchronized void hold() {
    holding = true;
  }

  synchronized int heldCount() {
    return held.size();
  }

  /** Answers every held request with what the records say now (later ones are held again). */
  void release() {
    List<HttpServerRequest> answer;
    synchronized (this) {
      answer = new ArrayList<>(held);
      held.clear();
    }
    answer.forEach(this::answerRecord);
  }

  void letGo() {
    synchronized (this) {
      holding = false;
    }
    release();
  }

  /** Appends a revoked event (sessions of {@code accountId}) to the log and writes it to every open stream. */
  String revoked(long atMs, String accountId, String... sessionIds) {
    return append("revoked", revokedData(atMs, accountId, sessionIds), true);
  }

  private static JsonObject revokedData(long atMs, String accountId, String... sessionIds) {
    JsonArray sessions = new JsonArray();
    for (String id : sessionIds) {
      sessions.add(new JsonObject().put("session_id", id).put("account_id", accountId).put("token_hash", "AAAA"));
    }
    return new JsonObject().put("sessions", sessions).put("revoked_at_ms", atMs).put("reason", "test");
  }

  /** The same, written to no stream: committed as the node serving the streams died. */
  String revokedUnsent(long atMs, String accountId, String... sessionIds) {
    return append("revoked", revokedData(atMs, accountId, sessionIds), false);
  }

  /** The same, account-wide: every session of the account was revoked ({@code account_id} present). */
  String accountRevoked(long atMs, String accountId, String... sessionIds) {
    return append("revoked", revokedData(atMs, accountId, sessionIds).put("account_id", accountId), true);
  }

  /** An event whose data is not a revoked event at all. */
  String unreadable() {
    return append("revoked", new JsonObject().put("sessions", "nope"), true);
  }

  private synchronized String append(String type, JsonObject data, boolean send) {
    JsonObject event = data.copy().put("type", type).put("id", Integer.toString(log.size() + 1));
    log.add(event);
    if (send) {
      writeAll(frame(event));
    }
    return event.getString("id");
  }

  /** From now on a resume from before {@code cursor} (exclusive) gets a reset, as after a retention prune. */
  synchronized void prunedUpTo(String cursor) {
    floor = Integer.parseInt(cursor);
  }

  /** A comment on every open stream (what latchkey's heartbeat sends). */
  synchronized void heartbeat() {
    writeAll(": keep-alive\n\n");
  }

  /** An id-only message with the head on every open stream, as latchkey's heartbeat sends when the head moved. */
  synchronized void headId() {
    writeAll(":\nid: " + log.size() + "\n\n");
  }

  synchronized int openStreams() {
    return streams.size();
  }

  /** Closes every open stream's connection, as a node that dies does. */
  synchronized void dropStreams() {
    for (HttpServerResponse response : streams) {
      response.reset();
    }
    streams.clear();
  }

  /** Stops one node: its streams end and its port refuses connections. */
  void stopNode(int node) throws Exception {
    dropStreams();
    servers.get(node).close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  synchronized List<String> resumes() {
    return List.copyOf(resumedFrom);
  }

  private void writeAll(String text) {
    for (HttpServerResponse response : streams) {
      response.write(text);
    }
  }

  private static String frame(JsonObject event) {
    JsonObject data = event.copy();
    data.remove("type");
    data.remove("id");
    return "id: " + event.getString("id") + "\nevent: " + event.getString("type") + "\ndata: " + data.encode() + "\n\n";
  }

  private void handle(HttpServerRequest request) {
    if (!("Bearer " + KEY).equals(request.getHeader("Authorization"))) {
      request.response().setStatusCode(401).end();
      return;
    }
    String path = request.path();
    if (path.startsWith("/api/v1/internal/sessions/")) {
      recordRequests.incrementAndGet();
      synchronized (this) {
        if (holding) {
          held.add(request);
          return;
        }
      }
      answerRecord(request);
    } else if (path.equals("/api/v1/internal/invalidations")) {
      invalidations(request);
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private void answerRecord(HttpServerRequest request) {
    String id = request.path().substring("/api/v1/internal/sessions/".length());
    JsonObject record = records.get(id);
    if (record == null) {
      request.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json").end("{}");
    } else {
      request.response().putHeader("Content-Type", "application/json").end(record.encode());
    }
  }

  private synchronized void invalidations(HttpServerRequest request) {
    boolean stream = String.valueOf(request.getHeader("Accept")).contains("text/event-stream");
    String after = stream ? request.getHeader("Last-Event-ID") : request.getParam("after");
    resumedFrom.add((stream ? "stream " : "page ") + request.localAddress().port() + " " + (after == null ? "-" : after));
    int from = after == null ? log.size() : Integer.parseInt(after);
    List<JsonObject> events = new ArrayList<>();
    if (from < floor) {
      events.add(new JsonObject().put("type", "reset").put("id", Integer.toString(log.size()))
          .put("reason", "history-pruned"));
    } else {
      events.addAll(log.subList(Math.min(from, log.size()), log.size()));
    }
    if (!stream) {
      int limit = Integer.parseInt(request.getParam("limit", "100"));
      List<JsonObject> page = events.subList(0, Math.min(limit, events.size()));
      String next = page.isEmpty() ? Integer.toString(from) : page.get(page.size() - 1).getString("id");
      request.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("events", new JsonArray(new ArrayList<>(page))).put("next", next).encode());
      return;
    }
    HttpServerResponse response = request.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
    response.write(":\n\n");
    for (JsonObject event : events) {
      response.write(frame(event));
    }
    streams.add(response);
    response.closeHandler(v -> {
      synchronized (this) {
        streams.remove(response);
      }
    });
  }

  @Override
  public void close() {
    for (HttpServer server : servers) {
      server.close();
    }
  }
}
