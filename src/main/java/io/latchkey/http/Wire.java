package io.latchkey.http;

import io.latchkey.account.Account;
import io.latchkey.account.AccountPage;
import io.latchkey.account.AuditEvent;
import io.latchkey.account.AuditPage;
import io.latchkey.account.Identity;
import io.latchkey.auth.signature.Ed25519;
import io.latchkey.session.CachedSession;
import io.latchkey.session.CreatedSession;
import io.latchkey.session.Lifetimes;
import io.latchkey.session.SessionRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The exact response shapes of the API, built from the session service's typed results. Times become RFC
 * 3339 UTC strings unless the field name ends in {@code _ms}.
 */
final class Wire {

  private Wire() {}

  /** RFC 3339 UTC, to the millisecond (PostgreSQL keeps microseconds; the API shows milliseconds). */
  static String time(Instant instant) {
    return instant == null ? null : Instant.ofEpochMilli(instant.toEpochMilli()).toString();
  }

  static JsonArray identities(Account account) {
    JsonArray out = new JsonArray(new ArrayList<>(account.identities().size()));
    for (Identity identity : account.identities()) {
      out.add(new JsonObject().put("kind", identity.kind().wireName()).put("subject", identity.subject()));
    }
    return out;
  }

  private static final byte[] ME_ACCOUNT = "{\"account_id\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ME_SESSION = "\",\"session_id\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ME_IDENTITIES = ",\"identities\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
  /**
   * Slots of {@link #ME_PARTS}, a power of two: 256 KiB of references, and about 200 bytes of parts per slot
   * in use (13 MiB when all are). Some tens of thousands of accounts answered round-robin mostly find theirs;
   * beyond that a request encodes its account again, as every request did before the table.
   */
  private static final int ME_SLOTS = 1 << 16;

  /**
   * What {@code GET /user/me} says about one {@link Account} object, encoded once: the bytes before the
   * session id and those after it.
   */
  private record MeParts(Account account, byte[] head, byte[] tail) {

    static MeParts of(Account account) {
      byte[] id = account.accountId().toString().getBytes(StandardCharsets.US_ASCII);
      byte[] identities = identities(account).toBuffer().getBytes();
      return new MeParts(account,
          Buffer.buffer(ME_ACCOUNT.length + id.length + ME_SESSION.length)
              .appendBytes(ME_ACCOUNT).appendBytes(id).appendBytes(ME_SESSION).getBytes(),
          Buffer.buffer(ME_IDENTITIES.length + identities.length + 1)
              .appendBytes(ME_IDENTITIES).appendBytes(identities).appendByte((byte) '}').getBytes());
    }
  }

  /**
   * The {@link MeParts} of recently answered accounts, direct-mapped by account id: a slot holds the parts of
   * one {@link Account} object and is used only for that same object (the session cache replaces an account's
   * object whenever it changes, so stale parts are never used), otherwise it is overwritten. Bounded, no lock:
   * a slot is one reference to an immutable record, so racing writers only cost a re-encoding.
   */
  private static final MeParts[] ME_PARTS = new MeParts[ME_SLOTS];

  /**
   * {@code GET /user/me}: {@code {"account_id","session_id","identities":[{"kind","subject"}]}}, written as
   * bytes without building a JSON object per request (the validate route's answer): all but the session id
   * is encoded once per account object.
   */
  static Buffer meBody(Account account, UUID sessionId) {
    int slot = account.accountId().hashCode() & (ME_SLOTS - 1);
    MeParts parts = ME_PARTS[slot];
    if (parts == null || parts.account() != account) {
      parts = MeParts.of(account);
      ME_PARTS[slot] = parts;
    }
    Buffer body = Buffer.buffer(parts.head().length + 38 + parts.tail().length).appendBytes(parts.head());
    if (sessionId == null) {
      body.appendBytes(NULL);
    } else {
      body.appendByte((byte) '"').appendString(sessionId.toString()).appendByte((byte) '"');
    }
    return body.appendBytes(parts.tail());
  }

  /**
   * When an active session may stop being accepted if it is not used again ({@link Lifetimes#expiresAtMs},
   * from its last use as PostgreSQL knows it); {@code null} when no lifetime applies or it is revoked.
   */
  static Long expiresAtMs(SessionRecord record, Lifetimes lifetimes) {
    if (!record.active()) {
      return null;
    }
    Instant lastUse = record.lastSeenAt() != null ? record.lastSeenAt() : record.createdAt();
    return lifetimes.expiresAtMs(record.createdAt().toEpochMilli(), lastUse.toEpochMilli());
  }

  private static String expiresAt(SessionRecord record, Lifetimes lifetimes) {
    Long at = expiresAtMs(record, lifetimes);
    return at == null ? null : Instant.ofEpochMilli(at).toString();
  }

  /** {@code GET /user/sessions}. */
  static JsonObject userSessions(List<SessionRecord> records, UUID current, Lifetimes lifetimes) {
    JsonArray out = new JsonArray(new ArrayList<>(records.size()));
    for (SessionRecord record : records) {
      out.add(new JsonObject()
          .put("session_id", record.sessionId().toString())
          .put("device", record.device())
          .put("created_at", time(record.createdAt()))
          .put("last_seen_at", time(record.lastSeenAt()))
          .put("expires_at", expiresAt(record, lifetimes))
          .put("current", record.sessionId().equals(current))
          .put("client_key_thumbprint", record.clientPublicKey() == null ? null
              : Ed25519.thumbprint(record.clientPublicKey())));
    }
    return new JsonObject().put("sessions", out);
  }

  /** {@code GET /admin/accounts/{id}/sessions}. */
  static JsonObject adminSessions(List<SessionRecord> records, Lifetimes lifetimes) {
    JsonArray out = new JsonArray(new ArrayList<>(records.size()));
    for (SessionRecord record : records) {
      out.add(new JsonObject()
          .put("session_id", record.sessionId().toString())
          .put("status", record.status())
          .put("device", record.device())
          .put("created_at", time(record.createdAt()))
          .put("last_seen_at", time(record.lastSeenAt()))
          .put("expires_at", expiresAt(record, lifetimes))
          .put("revoked_at", time(record.revokedAt())));
    }
    return new JsonObject().put("sessions", out);
  }

  /** {@code GET /admin/accounts/…}, and everywhere an account is returned. */
  static JsonObject adminAccount(Account account) {
    return new JsonObject()
        .put("account_id", account.accountId().toString())
        .put("status", account.status())
        .put("created_at", time(account.createdAt()))
        .put("identities", identities(account));
  }

  /** {@code GET /admin/accounts?limit=…&after=…}. */
  static JsonObject accountPage(AccountPage page) {
    JsonArray out = new JsonArray(new ArrayList<>(page.accounts().size()));
    page.accounts().forEach(account -> out.add(adminAccount(account)));
    return new JsonObject().put("accounts", out).put("next", page.next() == null ? null : page.next().toString());
  }

  /** {@code GET /admin/audit}. */
  static JsonObject auditPage(AuditPage page) {
    JsonArray out = new JsonArray(new ArrayList<>(page.events().size()));
    for (AuditEvent event : page.events()) {
      out.add(new JsonObject()
          .put("event_id", event.eventId().toString())
          .put("at", time(event.at()))
          .put("actor", event.actor())
          .put("action", event.action())
          .put("account_id", event.accountId() == null ? null : event.accountId().toString())
          .put("session_id", event.sessionId() == null ? null : event.sessionId().toString())
          .put("reason", event.reason()));
    }
    return new JsonObject().put("events", out).put("next", page.next() == null ? null : page.next().toString());
  }

  /** {@code GET /internal/sessions/{id}}: the record a gateway cache needs (seed 002's Record). */
  static JsonObject internalRecord(SessionRecord record, Lifetimes lifetimes) {
    return new JsonObject()
        .put("session_id", record.sessionId().toString())
        .put("account_id", record.accountId().toString())
        .put("client_public_key", base64(record.clientPublicKey()))
        .put("status", record.status())
        .put("revoked_at_ms", record.revokedAt() == null ? null : record.revokedAt().toEpochMilli())
        .put("expires_at_ms", expiresAtMs(record, lifetimes));
  }

  /**
   * {@code POST /internal/sessions/introspect} for an active session (RFC 7662 shape). {@code exp}, when a
   * lifetime applies, is when the session may stop being accepted if this is its last use: the earlier of
   * its creation plus the maximum lifetime and now plus the idle timeout (each use moves the latter on).
   */
  static JsonObject introspection(CachedSession session, Lifetimes lifetimes) {
    JsonObject answer = new JsonObject()
        .put("active", true)
        .put("token_type", "Bearer")
        .put("sub", session.accountId().toString())
        .put("sid", session.sessionId().toString())
        .put("iat", session.createdAtMs() / 1000)
        .put("client_public_key", base64(session.clientPublicKey()));
    Long exp = lifetimes.expiresAtMs(session.createdAtMs(), System.currentTimeMillis());
    if (exp != null) {
      answer.put("exp", exp / 1000);
    }
    return answer;
  }

  /**
   * {@code POST /internal/sessions/introspect} for anything not active (unknown, revoked, malformed): RFC 7662
   * §2.2 says nothing more, so that the answer tells nothing about why.
   */
  static JsonObject inactive() {
    return new JsonObject().put("active", false);
  }

  /** {@code POST /internal/sessions}: the token, shown this once. */
  static JsonObject created(CreatedSession created) {
    return new JsonObject()
        .put("token", created.token())
        .put("session_id", created.sessionId().toString())
        .put("account_id", created.accountId().toString())
        .put("account_created", created.accountCreated());
  }

  private static String base64(byte[] key) {
    return key == null ? null : Base64.getEncoder().encodeToString(key);
  }
}
