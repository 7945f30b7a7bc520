package io.latchkey.gateway.impl;

import io.latchkey.gateway.CannotTellException;
import io.latchkey.gateway.GatewayRecord;
import io.latchkey.gateway.SessionNotFoundException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/**
 * {@code GET /api/v1/internal/sessions/{id}}: {@code 200 {"session_id","account_id","client_public_key","status",
 * "revoked_at_ms","expires_at_ms"?}} or 404. Starts with one node and tries the next ones while a node does not
 * answer (unreachable, timeout, any status but 200 and 404, an answer that is not a record).
 */
final class RecordClient {

  static final String PATH = "/api/v1/internal/sessions/";

  private final WebClient client;
  private final List<String> baseUrls;
  private final String authorization;
  private final long timeoutMs;

  RecordClient(WebClient client, List<String> baseUrls, String internalKey, long timeoutMs) {
    this.client = client;
    this.baseUrls = baseUrls;
    this.authorization = "Bearer " + internalKey;
    this.timeoutMs = timeoutMs;
  }

  /**
   * @param sessionId a canonical session id
   * @param firstNode the index of the base URL to ask first
   */
  Future<GatewayRecord> fetch(String sessionId, int firstNode) {
    return fetch(sessionId, firstNode, 0, null);
  }

  private Future<GatewayRecord> fetch(String sessionId, int node, int tried, Throwable last) {
    if (tried == baseUrls.size()) {
      return Future.failedFuture(new CannotTellException(CannotTellException.Reason.UPSTREAM_UNAVAILABLE,
          "no latchkey node answered the session record (" + (last == null ? "" : last.getMessage()) + ")", last));
    }
    String base = baseUrls.get(node % baseUrls.size());
    return client.getAbs(base + PATH + sessionId)
        .putHeader("Authorization", authorization)
        .putHeader("Accept", "application/json")
        .connectTimeout(timeoutMs)
        .timeout(timeoutMs)
        .send()
        .transform(ar -> {
          if (ar.succeeded()) {
            HttpResponse<Buffer> response = ar.result();
            if (response.statusCode() == 404) {
              return Future.failedFuture(new SessionNotFoundException("latchkey knows no session " + sessionId));
            }
            try {
              return Future.succeededFuture(record(sessionId, response));
            } catch (IllegalStateException e) {
              return fetch(sessionId, node + 1, tried + 1, e);
            }
          }
          return fetch(sessionId, node + 1, tried + 1, ar.cause());
        });
  }

  private static GatewayRecord record(String sessionId, HttpResponse<Buffer> response) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode() + " from the session record");
    }
    try {
      JsonObject json = response.bodyAsJsonObject();
      String status = json.getString("status");
      GatewayRecord.Status parsed = "active".equals(status) ? GatewayRecord.Status.ACTIVE
          : "revoked".equals(status) ? GatewayRecord.Status.REVOKED : null;
      String account = Ids.canonical(json.getString("account_id"));
      if (!sessionId.equals(json.getString("session_id")) || account == null || parsed == null) {
        throw new IllegalStateException("the session record is not the one asked for, or incomplete");
      }
      return new GatewayRecord(sessionId, account, json.getString("client_public_key"), parsed,
          json.getLong("revoked_at_ms"), json.getLong("expires_at_ms"));
    } catch (RuntimeException e) {
      if (e instanceof IllegalStateException) {
        throw e;
      }
      throw new IllegalStateException("the session record is not JSON of the expected shape", e);
    }
  }
}
