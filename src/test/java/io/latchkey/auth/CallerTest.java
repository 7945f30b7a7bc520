package io.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The typed users of the user tier read the same as the JSON-shaped users they replaced. */
class CallerTest {

  private static final UUID ACCOUNT = UUID.fromString("0b6a3e0e-8f55-4e0b-9d7a-2d4c4f1b8e01");
  private static final UUID SESSION = UUID.fromString("7c1f0c9a-1d2e-4b3c-8a4d-5e6f7a8b9c0d");

  @Test
  void aSessionUserReadsAsItsPrincipalSays() {
    User typed = Caller.session(ACCOUNT, SESSION, "a2V5", true);
    User plain = User.create(new JsonObject().put("kind", "session").put("sub", ACCOUNT.toString())
        .put("sid", SESSION.toString()), new JsonObject().put("client_public_key", "a2V5").put("signature_alone", true));

    assertThat(typed.principal()).isEqualTo(plain.principal());
    assertThat(typed.attributes()).isEqualTo(plain.attributes());
    for (User user : new User[] {typed, plain}) {
      assertThat(Caller.kind(user)).isEqualTo(Caller.SESSION);
      assertThat(Caller.accountId(user)).isEqualTo(ACCOUNT);
      assertThat(Caller.accountIdText(user)).isEqualTo(ACCOUNT.toString());
      assertThat(Caller.sessionId(user)).isEqualTo(SESSION);
      assertThat(Caller.sessionIdText(user)).isEqualTo(SESSION.toString());
      assertThat(Caller.clientPublicKey(user)).isEqualTo("a2V5");
      assertThat(Caller.signatureAlone(user)).isTrue();
    }
  }

  @Test
  void aGatewayUserHasNoSessionNorKey() {
    User user = Caller.gateway(ACCOUNT);

    assertThat(user.principal()).isEqualTo(new JsonObject().put("kind", "gateway").put("sub", ACCOUNT.toString()));
    assertThat(user.attributes().isEmpty()).isTrue();
    assertThat(Caller.sessionId(user)).isNull();
    assertThat(Caller.sessionIdText(user)).isNull();
    assertThat(Caller.clientPublicKey(user)).isNull();
    assertThat(Caller.signatureAlone(user)).isFalse();
  }

  @Test
  void authorizationsAddedToAUserStayWithIt() {
    User user = Caller.session(ACCOUNT, SESSION, null, false);

    assertThat(user.authorizations()).isSameAs(user.authorizations());
  }
}
