package io.latchkey.login;

/**
 * Known-good Telegram payloads derived outside this code base from Telegram's documented algorithms, by
 * {@code src/test/resources/login/telegram_vectors.py} (Python's hmac and hashlib, and the cryptography
 * package for Ed25519). The bot token is the example token of Telegram's Bot API documentation; the key
 * standing in for Telegram's signing key is RFC 8032 §7.1's TEST 1 key pair, public test data.
 */
public final class TelegramVectors {

  public static final String BOT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
  public static final long BOT_ID = 123456;
  /** RFC 8032 §7.1 TEST 1: the public key, and the secret key the vectors were signed with. */
  public static final String TEST_PUBLIC_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  public static final String TEST_SECRET_KEY = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  public static final String PRODUCTION_PUBLIC_KEY = "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d";
  public static final long AUTH_DATE = 1_700_000_000L;
  public static final String USER_ID = "424242";

  /** The login widget's object. */
  public static final String WIDGET = "{\"id\":424242,\"first_name\":\"Ada\",\"username\":\"ada_l\","
      + "\"photo_url\":\"https://t.me/i/userpic/320/ada.jpg\",\"auth_date\":1700000000,"
      + "\"hash\":\"5fad893f476fbb2590e438bbf7590053a55ae4694715e1ed67b4ce71213193a3\"}";

  /** A Mini App's initData carrying both the bot-token hash and Telegram's (here: TEST 1's) signature. */
  public static final String INIT_DATA = "query_id=AAHdF6IQAAAAAN0XohDhrOrc"
      + "&user=%7B%22id%22%3A424242%2C%22first_name%22%3A%22Ada%22%2C%22last_name%22%3A%22Lovelace%22%2C"
      + "%22username%22%3A%22ada_l%22%2C%22language_code%22%3A%22en%22%2C%22allows_write_to_pm%22%3Atrue%7D"
      + "&auth_date=1700000000&chat_instance=-5086245291850913214&chat_type=sender"
      + "&signature=0cLRk6gQmk0s_qYF28yNvjTr7u1WmfFsMx7iX9l2ELIPsWAVwBuK3q6T9wgZnHPRSDNBzNtvoCgE6uBY9sqhCQ"
      + "&hash=7c579f20a30ebd928e5cc683b05f5345f89c6a6cdc87df994bfe64304eb2f9ce";

  private TelegramVectors() {}
}
