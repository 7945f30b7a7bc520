package io.latchkey.invalidation;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * One event of the invalidation stream, rendered once for every subscriber: the Server-Sent Events frame
 * ({@code id:}, {@code event:}, {@code data:}) and the members of its JSON form. Immutable; shared by every
 * thread that serves it.
 *
 * <ul>
 *   <li>{@code revoked}: {@code {"account_id"?, "sessions":[{"session_id","account_id","token_hash"}],
 *   "revoked_at_ms", "reason"}}: sessions one transaction revoked (at most {@link #MAX_SESSIONS}; a larger
 *   transaction is several events). {@code account_id} only when that transaction revoked every active
 *   session of that one account (a disable, an erasure, a revoke-all keeping none). {@code token_hash}:
 *   base64url without padding of the SHA-256 of the token. {@code reason}: as recorded, {@code null} for a
 *   revocation by hand-written SQL that gave none.</li>
 *   <li>{@code reset}: {@code {"reason"}}: what happened before this event's id cannot be delivered (it is
 *   older than the revocation log keeps, or the cursor is not this database's); a cache fed by the stream must
 *   drop everything it holds.</li>
 * </ul>
 */
public final class InvalidationEvent {

  /** The most sessions one event carries. */
  public static final int MAX_SESSIONS = 500;

  /** Why a reset was sent: the cursor is older than the revocation log's retention. */
  public static final String RESET_PRUNED = "history-pruned";
  /** Why a reset was sent: the cursor was issued by another database (or is beyond anything this one issued). */
  public static final String RESET_UNKNOWN = "unknown-cursor";

  /** One revoked session of an event. */
  public record Session(UUID sessionId, UUID accountId, byte[] tokenHash) {}

  private final Cursor id;
  private final String type;
  private final long revokedAtMs;
  /** The frame alone is kept; the JSON form is cut from its {@code data:} line when a poll asks. */
  private final Buffer frame;
  private final int dataStart;

  private InvalidationEvent(Cursor id, String type, long revokedAtMs, JsonObject data) {
    this.id = id;
    this.type = type;
    this.revokedAtMs = revokedAtMs;
    String head = "id: " + id.encode() + "\nevent: " + type + "\ndata: ";
    this.dataStart = head.length();
    this.frame = Buffer.buffer((head + data.encode() + "\n\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @param accountId the account whose every active session the transaction revoked, or {@code null}
   */
  public static InvalidationEvent revoked(Cursor id, UUID accountId, List<Session> sessions, long revokedAtMs,
      String reason) {
    if (sessions.isEmpty() || sessions.size() > MAX_SESSIONS) {
      throw new IllegalArgumentException("an event carries 1 to " + MAX_SESSIONS + " sessions");
    }
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    JsonArray list = new JsonArray();
    for (Session s : sessions) {
      list.add(new JsonObject().put("session_id", s.sessionId().toString()).put("account_id", s.accountId().toString())
          .put("token_hash", base64.encodeToString(s.tokenHash())));
    }
    JsonObject data = new JsonObject();
    if (accountId != null) {
      data.put("account_id", accountId.toString());
    }
    data.put("sessions", list).put("revoked_at_ms", revokedAtMs).put("reason", reason);
    return new InvalidationEvent(id, "revoked", revokedAtMs, data);
  }

  public static InvalidationEvent reset(Cursor id, String reason) {
    return new InvalidationEvent(id, "reset", 0, new JsonObject().put("reason", reason));
  }

  /** The cursor right after this event: a client resuming from it receives what follows. */
  public Cursor id() {
    return id;
  }

  public boolean isReset() {
    return type.equals("reset");
  }

  /** When the newest of its revocations happened (PostgreSQL's clock); 0 for a reset. */
  public long revokedAtMs() {
    return revokedAtMs;
  }

  /** The Server-Sent Events frame; the same buffer for every subscriber (a write does not consume it). */
  public Buffer frame() {
    return frame;
  }

  /** Bytes of the frame: what this event costs a subscriber's write queue and the node's buffer. */
  public int size() {
    return frame.length();
  }

  /**
   * The JSON representation's event, as text: {@code id}, {@code type}, then the members of the frame's
   * {@code data} object (never empty: a revoked event has sessions, a reset its reason).
   */
  public String json() {
    String data = frame.getString(dataStart + 1, frame.length() - 2, "UTF-8");
    return "{\"id\":\"" + id.encode() + "\",\"type\":\"" + type + "\"," + data;
  }
}
