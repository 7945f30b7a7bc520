package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.account.Account;
import io.latchkey.account.Identity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WireTest {

  private static final UUID ACCOUNT = UUID.fromString("01a23679-ddfd-7975-85c9-031722bdc3ef");
  private static final UUID SESSION = UUID.fromString("01a23679-ddb2-7c2c-bbda-cf8da36c428e");

  @Test
  void meIsTheWireShapeFieldForField() {
    Account account = new Account(ACCOUNT, "active", Instant.EPOCH, List.of(
        Identity.parse("email", "ada@example.com"), Identity.parse("telegram", "123456789")));

    String body = Wire.meBody(account, SESSION).toString();

    assertThat(new JsonObject(body)).isEqualTo(new JsonObject()
        .put("account_id", ACCOUNT.toString())
        .put("session_id", SESSION.toString())
        .put("identities", new JsonArray()
            .add(new JsonObject().put("kind", "email").put("subject", "ada@example.com"))
            .add(new JsonObject().put("kind", "telegram").put("subject", "123456789"))));
    // the fields in the order the API has always written them
    assertThat(body).startsWith("{\"account_id\":\"" + ACCOUNT + "\",\"session_id\":\"" + SESSION
        + "\",\"identities\":[{\"kind\":\"email\"");
  }

  @Test
  void aGatewayAssertedUserHasNoSession() {
    Account account = new Account(ACCOUNT, "active", Instant.EPOCH, List.of(Identity.parse("email", "a@b.example")));

    JsonObject me = new JsonObject(Wire.meBody(account, null).toString());

    assertThat(me.containsKey("session_id")).isTrue();
    assertThat(me.getValue("session_id")).isNull();
  }

  @Test
  void anAccountThatChangedIsNeverAnsweredWithItsOldIdentities() {
    Account before = new Account(ACCOUNT, "active", Instant.EPOCH, List.of(Identity.parse("email", "old@example.com")));
    Account after = new Account(ACCOUNT, "active", Instant.EPOCH, List.of(Identity.parse("email", "old@example.com"),
        Identity.parse("email", "new@example.com")));

    Wire.meBody(before, SESSION);
    JsonObject me = new JsonObject(Wire.meBody(after, SESSION).toString());

    assertThat(me.getJsonArray("identities")).hasSize(2);
    assertThat(new JsonObject(Wire.meBody(before, SESSION).toString()).getJsonArray("identities")).hasSize(1);
  }
}
