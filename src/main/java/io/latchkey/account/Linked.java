package io.latchkey.account;

/** The account after a link, and whether this call linked the identity (false: the account already held it). */
public record Linked(Account account, boolean newlyLinked) {}
